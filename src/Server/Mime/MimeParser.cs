namespace MailHost.Server.Mime;

/// <summary>
/// Parses message bytes into a <see cref="MimeEntity"/> tree (RFC 2045/2046). Best effort on
/// malformed input: a missing boundary yields a part running to the end, a missing header/body
/// separator an empty body; nesting is capped so hostile input cannot exhaust the stack.
/// </summary>
public static class MimeParser
{
    private const int MaxDepth = 30;

    public static MimeEntity Parse(ReadOnlyMemory<byte> message) => ParseEntity(message.Span, 0, message.Length, 0, digestDefault: false);

    private static MimeEntity ParseEntity(ReadOnlySpan<byte> all, int start, int end, int depth, bool digestDefault)
    {
        var span = all[start..end];
        var headerLength = FindHeaderEnd(span, out var bodyStart);
        var headers = HeaderParser.Parse(span[..headerLength]);
        var ctHeader = headers.FirstOrDefault(h => string.Equals(h.Name, "Content-Type", StringComparison.OrdinalIgnoreCase))?.Value;
        var contentType = HeaderParameters.Parse(ctHeader);
        var (type, subtype) = SplitMediaType(contentType.Value, digestDefault);
        var entity = new MimeEntity
        {
            HeaderOffset = start,
            HeaderLength = bodyStart,
            BodyOffset = start + bodyStart,
            BodyLength = end - start - bodyStart,
            Headers = headers,
            ContentType = contentType,
            MediaType = type,
            MediaSubtype = subtype,
        };
        if (depth >= MaxDepth)
        {
            return entity;
        }
        if (type == "multipart" && contentType.Get("boundary") is { Length: > 0 } boundary)
        {
            foreach (var (partStart, partEnd) in SplitParts(all, entity.BodyOffset, end, boundary))
            {
                entity.Children.Add(ParseEntity(all, partStart, partEnd, depth + 1, subtype == "digest"));
            }
        }
        else if (entity.IsMessage && entity.TransferEncoding is null or "7bit" or "8bit" or "binary")
        {
            entity.Message = ParseEntity(all, entity.BodyOffset, end, depth + 1, digestDefault: false);
        }
        return entity;
    }

    private static (string Type, string Subtype) SplitMediaType(string value, bool digestDefault)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            return digestDefault ? ("message", "rfc822") : ("text", "plain");
        }
        return (value[..slash].Trim().ToLowerInvariant(), value[(slash + 1)..].Trim().ToLowerInvariant());
    }

    /// <summary>Length of the header block including the blank line; <paramref name="bodyStart"/> where the body begins.</summary>
    private static int FindHeaderEnd(ReadOnlySpan<byte> span, out int bodyStart)
    {
        // An entity with no headers starts with its blank line (RFC 2046 §5.1.1 parts may have none).
        if (span.StartsWith("\r\n"u8))
        {
            bodyStart = 2;
            return 0;
        }
        if (span.StartsWith("\n"u8))
        {
            bodyStart = 1;
            return 0;
        }
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] != '\n')
            {
                continue;
            }
            if (i + 1 < span.Length && span[i + 1] == '\n')
            {
                bodyStart = i + 2;
                return i + 1;
            }
            if (i + 2 < span.Length && span[i + 1] == '\r' && span[i + 2] == '\n')
            {
                bodyStart = i + 3;
                return i + 1;
            }
        }
        bodyStart = span.Length;
        return span.Length;
    }

    /// <summary>Part ranges between "--boundary" lines; the CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1).</summary>
    private static List<(int Start, int End)> SplitParts(ReadOnlySpan<byte> all, int start, int end, string boundary)
    {
        var delimiter = System.Text.Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<(int, int)>();
        var partStart = -1;
        var pos = start;
        while (pos < end)
        {
            var lineEnd = all[pos..end].IndexOf((byte)'\n');
            var next = lineEnd < 0 ? end : pos + lineEnd + 1;
            var line = all[pos..next];
            if (line.StartsWith(delimiter))
            {
                var rest = line[delimiter.Length..];
                var closing = rest.StartsWith("--"u8);
                if (partStart >= 0)
                {
                    var partEnd = pos;
                    if (partEnd > partStart && all[partEnd - 1] == '\n')
                    {
                        partEnd--;
                        if (partEnd > partStart && all[partEnd - 1] == '\r')
                        {
                            partEnd--;
                        }
                    }
                    parts.Add((partStart, Math.Max(partStart, partEnd)));
                }
                if (closing)
                {
                    return parts;
                }
                partStart = next;
            }
            pos = next;
        }
        if (partStart >= 0 && partStart <= end)
        {
            parts.Add((partStart, end));
        }
        return parts;
    }
}
