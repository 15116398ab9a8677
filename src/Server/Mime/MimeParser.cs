using System.Runtime.InteropServices;
using System.Text;
using Kit = MimeKit;

namespace MailHost.Server.Mime;

/// <summary>
/// Parses message bytes into a <see cref="MimeEntity"/> tree through MimeKit's parser (RFC 2045/2046),
/// keeping only the stream offsets MimeKit reports for each entity and the raw header fields, so
/// IMAP sections are byte ranges of the stored message. MimeKit's handling of malformed mail (a
/// nested multipart reusing its parent's boundary, boundaries that are prefixes of one another,
/// missing boundaries) is what real servers do; nesting is capped so hostile input stays cheap.
/// Callers keep MimeKit behind the header-size limit enforced at intake (HeaderLimitScanner):
/// its header parsing is quadratic in one field's size.
/// </summary>
public static class MimeParser
{
    /// <summary>Deeper nesting is treated as an opaque leaf (Dovecot stops at 100 levels too).</summary>
    public const int MaxDepth = 100;

    private static readonly Kit.ParserOptions Options = new() { MaxMimeDepth = MaxDepth };

    public static MimeEntity Parse(ReadOnlyMemory<byte> message)
    {
        var stream = MemoryMarshal.TryGetArray(message, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(message.ToArray(), writable: false);
        using (stream)
        {
            return Parse(stream, message.Span);
        }
    }

    private static MimeEntity Parse(Stream stream, ReadOnlySpan<byte> bytes)
    {
        var spans = new Dictionary<object, (long Begin, long HeadersEnd, long End)>(ReferenceEqualityComparer.Instance);
        var begins = new Dictionary<object, long>(ReferenceEqualityComparer.Instance);
        var parser = new Kit.MimeParser(Options, stream, Kit.MimeFormat.Entity, persistent: true);
        parser.MimeMessageBegin += (_, e) => begins[e.Message] = e.BeginOffset;
        parser.MimeMessageEnd += (_, e) => spans[e.Message] = (begins[e.Message], e.HeadersEndOffset, e.EndOffset);
        parser.MimeEntityBegin += (_, e) => begins[e.Entity] = e.BeginOffset;
        parser.MimeEntityEnd += (_, e) => spans[e.Entity] = (begins[e.Entity], e.HeadersEndOffset, e.EndOffset);
        Kit.MimeMessage message;
        try
        {
            message = parser.ParseMessage();
        }
        catch (FormatException)
        {
            // No header block MimeKit accepts: the fields that parse, and one text/plain body after the first blank line.
            var bodyStart = HeaderEnd(bytes);
            return Node(HeaderParser.Parse(bytes[..bodyStart]), 0, bodyStart, bytes.Length, "text", "plain");
        }
        return FromMessage(message, spans);
    }

    private static MimeEntity FromMessage(Kit.MimeMessage message, Dictionary<object, (long Begin, long HeadersEnd, long End)> spans)
    {
        var (begin, headersEnd, end) = spans[message];
        // A message's headers hold its body entity's Content-* fields too: the node is the body, with all the headers.
        return message.Body is { } body
            ? FromEntity(body, spans, MessageHeaders(message, body), begin, headersEnd, end)
            : Node(Convert(message.Headers), begin, headersEnd, end, "text", "plain");
    }

    private static MimeEntity FromEntity(Kit.MimeEntity kit, Dictionary<object, (long Begin, long HeadersEnd, long End)> spans, List<MimeHeader>? headers, long begin, long headersEnd, long end)
    {
        if (headers is null)
        {
            (begin, headersEnd, end) = spans[kit];
            headers = Convert(kit.Headers);
        }
        var entity = Node(headers, begin, headersEnd, end, kit.ContentType.MediaType, kit.ContentType.MediaSubtype);
        switch (kit)
        {
            case Kit.Multipart multipart:
                foreach (var child in multipart)
                {
                    entity.Children.Add(FromEntity(child, spans, null, 0, 0, 0));
                }
                break;
            case Kit.MessagePart { Message: { } inner } when spans.ContainsKey(inner):
                entity.Message = FromMessage(inner, spans);
                break;
        }
        return entity;
    }

    private static MimeEntity Node(List<MimeHeader> headers, long begin, long headersEnd, long end, string type, string subtype)
    {
        var ct = headers.FirstOrDefault(h => string.Equals(h.Name, "Content-Type", StringComparison.OrdinalIgnoreCase))?.Value;
        var bodyStart = (int)Math.Min(headersEnd, end);
        // RFC 2045 §5.2: a syntactically invalid Content-Type means text/plain (MimeKit says application/octet-stream).
        var valid = ct is null || IsMediaType(HeaderParameters.Parse(ct).Value);
        return new MimeEntity
        {
            HeaderOffset = (int)begin,
            HeaderLength = bodyStart - (int)begin,
            BodyOffset = bodyStart,
            BodyLength = (int)end - bodyStart,
            Headers = headers,
            ContentType = HeaderParameters.Parse(ct),
            MediaType = valid ? type.ToLowerInvariant() : "text",
            MediaSubtype = valid ? subtype.ToLowerInvariant() : "plain",
        };
    }

    private static bool IsMediaType(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < value.Length - 1;
    }

    /// <summary>Where the body begins: after the first empty line (CRLF or bare LF), else nowhere (all header).</summary>
    private static int HeaderEnd(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != '\n' && i != 0)
            {
                continue;
            }
            var next = i == 0 ? 0 : i + 1;
            if (next < bytes.Length && bytes[next] == '\n')
            {
                return next + 1;
            }
            if (next + 1 < bytes.Length && bytes[next] == '\r' && bytes[next + 1] == '\n')
            {
                return next + 2;
            }
        }
        return bytes.Length;
    }

    /// <summary>MimeKit keeps a message's Content-* fields on its body entity: the node gets both, in the order sent.</summary>
    private static List<MimeHeader> MessageHeaders(Kit.MimeMessage message, Kit.MimeEntity body)
    {
        var fields = new List<Kit.Header>(message.Headers);
        var seen = new HashSet<Kit.Header>(fields, ReferenceEqualityComparer.Instance);
        fields.AddRange(body.Headers.Where(h => !seen.Contains(h)));
        fields.Sort((a, b) => Offset(a).CompareTo(Offset(b)));
        return Convert(fields);
    }

    private static long Offset(Kit.Header h) => h.Offset ?? long.MaxValue;

    private static List<MimeHeader> Convert(IEnumerable<Kit.Header> list)
    {
        var headers = new List<MimeHeader>();
        foreach (var h in list)
        {
            headers.Add(new MimeHeader(h.Field, Unfold(HeaderParser.Decode(h.RawValue))));
        }
        return headers;
    }

    /// <summary>RFC 5322 §2.2.3 unfolding: the line breaks go, the white space after them stays.</summary>
    private static string Unfold(string raw)
    {
        var sb = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (c is not ('\r' or '\n'))
            {
                sb.Append(c);
            }
        }
        return sb.ToString().Trim();
    }
}
