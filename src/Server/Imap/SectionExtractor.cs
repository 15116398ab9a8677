using System.Text;
using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>The bytes of BODY[section] (RFC 9051 §6.4.5): part numbers, HEADER, HEADER.FIELDS[.NOT], TEXT, MIME.</summary>
public static class SectionExtractor
{
    public static byte[] Extract(ReadOnlyMemory<byte> message, MimeEntity root, string section)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(section);
        var bytes = message.Span;
        var spec = section.Trim();
        var path = new List<int>();
        var rest = spec;
        while (rest.Length > 0 && char.IsAsciiDigit(rest[0]))
        {
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            var number = dot < 0 ? rest : rest[..dot];
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0)
            {
                throw new ImapParseException("bad section part number");
            }
            path.Add(n);
            if (path.Count > FetchItem.MaxSectionParts)
            {
                throw new ImapParseException($"section path too deep (limit {FetchItem.MaxSectionParts} parts)");
            }
            rest = dot < 0 ? "" : rest[(dot + 1)..];
        }
        var entity = Resolve(root, path);
        if (entity is null)
        {
            return [];
        }
        var text = rest.ToUpperInvariant();
        if (text.Length == 0)
        {
            return path.Count == 0 ? bytes.ToArray() : Body(bytes, entity);
        }
        if (text == "MIME")
        {
            return path.Count == 0 ? throw new ImapParseException("MIME needs a part number") : Header(bytes, entity);
        }
        // HEADER, TEXT and HEADER.FIELDS of a part refer to the message encapsulated in it.
        var message822 = path.Count == 0 ? entity : entity.Message;
        if (message822 is null)
        {
            return [];
        }
        if (text == "HEADER")
        {
            return Header(bytes, message822);
        }
        if (text == "TEXT")
        {
            return Body(bytes, message822);
        }
        if (text.StartsWith("HEADER.FIELDS", StringComparison.Ordinal))
        {
            return HeaderFields(bytes.Slice(message822.HeaderOffset, message822.HeaderLength), rest);
        }
        throw new ImapParseException("bad section");
    }

    /// <summary>
    /// HEADER or HEADER.FIELDS[.NOT] (…) of the message itself from just its header bytes (the cached
    /// prefix of the file): the same bytes <see cref="Extract"/> returns, without the body or a parse.
    /// </summary>
    public static byte[] ExtractTopHeader(ReadOnlySpan<byte> header, string section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var spec = section.Trim();
        var text = spec.ToUpperInvariant();
        if (text == "HEADER")
        {
            return header.ToArray();
        }
        return text.StartsWith("HEADER.FIELDS", StringComparison.Ordinal) ? HeaderFields(header, spec) : throw new ImapParseException("bad section");
    }

    private static byte[] HeaderFields(ReadOnlySpan<byte> header, string spec)
    {
        var not = spec.StartsWith("HEADER.FIELDS.NOT", StringComparison.OrdinalIgnoreCase);
        var open = spec.IndexOf('(', StringComparison.Ordinal);
        var close = spec.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            throw new ImapParseException("HEADER.FIELDS needs a list");
        }
        var names = spec[(open + 1)..close].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim('"')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return HeaderFields(header, names, not);
    }

    public static MimeEntity? Resolve(MimeEntity root, IReadOnlyList<int> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = root;
        for (var i = 0; i < path.Count; i++)
        {
            if (i > 0 && current.IsMessage && current.Message is { } inner)
            {
                current = inner;
            }
            else if (i > 0 && current.IsMessage)
            {
                return null; // an encoded message/rfc822 has no parts to address
            }
            var n = path[i];
            if (current.IsMultipart)
            {
                if (n > current.Children.Count)
                {
                    return null;
                }
                current = current.Children[n - 1];
            }
            else if (n != 1)
            {
                return null;
            }
        }
        return current;
    }

    private static byte[] Body(ReadOnlySpan<byte> bytes, MimeEntity e) => bytes.Slice(e.BodyOffset, e.BodyLength).ToArray();

    private static byte[] Header(ReadOnlySpan<byte> bytes, MimeEntity e) => bytes.Slice(e.HeaderOffset, e.HeaderLength).ToArray();

    /// <summary>The selected fields exactly as sent (folding kept), then the blank line.</summary>
    public static byte[] HeaderFields(ReadOnlySpan<byte> bytes, MimeEntity e, IReadOnlySet<string> names, bool not)
    {
        ArgumentNullException.ThrowIfNull(e);
        return HeaderFields(bytes.Slice(e.HeaderOffset, e.HeaderLength), names, not);
    }

    /// <summary>The selected fields of a header block exactly as sent (folding kept), then the blank line.</summary>
    public static byte[] HeaderFields(ReadOnlySpan<byte> header, IReadOnlySet<string> names, bool not)
    {
        ArgumentNullException.ThrowIfNull(names);
        var output = new List<byte>();
        var include = false;
        var pos = 0;
        while (pos < header.Length)
        {
            var nl = header[pos..].IndexOf((byte)'\n');
            var end = nl < 0 ? header.Length : pos + nl + 1;
            var line = header[pos..end];
            if (line.Length > 0 && line[0] is (byte)' ' or (byte)'\t')
            {
                if (include)
                {
                    output.AddRange(line);
                }
            }
            else
            {
                var colon = line.IndexOf((byte)':');
                var trimmed = line.TrimEnd("\r\n"u8);
                if (trimmed.Length == 0)
                {
                    break;
                }
                var name = colon > 0 ? Encoding.Latin1.GetString(line[..colon]).Trim() : "";
                include = colon > 0 && names.Contains(name) != not;
                if (include)
                {
                    output.AddRange(line);
                    if (line[^1] != '\n')
                    {
                        output.AddRange("\r\n"u8);
                    }
                }
            }
            pos = end;
        }
        output.AddRange("\r\n"u8);
        return [.. output];
    }
}
