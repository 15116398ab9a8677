using System.Text;

namespace MailHost.Server.Mime;

/// <summary>One header field: its name and its unfolded value (raw, encoded words not decoded).</summary>
public sealed record MimeHeader(string Name, string Value)
{
    /// <summary>The value with RFC 2047 encoded words decoded, for searching and display.</summary>
    public string DecodedValue => EncodedWords.Decode(Value);
}

/// <summary>Parses an RFC 5322 header block (folded lines, RFC 6532 UTF-8 values); malformed lines are skipped, never fatal.</summary>
public static class HeaderParser
{
    public static List<MimeHeader> Parse(ReadOnlySpan<byte> block)
    {
        var headers = new List<MimeHeader>();
        var text = Decode(block);
        string? name = null;
        var value = new StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                break;
            }
            // RFC 5322 §2.2.3: a line starting with white space continues the previous field (unfolding).
            if (line[0] is ' ' or '\t')
            {
                if (name is not null)
                {
                    value.Append(line);
                }
                continue;
            }
            if (name is not null)
            {
                headers.Add(new MimeHeader(name, value.ToString().Trim()));
                name = null;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            name = line[..colon].Trim();
            value.Clear().Append(line, colon + 1, line.Length - colon - 1);
        }
        if (name is not null)
        {
            headers.Add(new MimeHeader(name, value.ToString().Trim()));
        }
        return headers;
    }

    /// <summary>UTF-8 when valid (RFC 6532), otherwise Latin-1 so every byte stays visible.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}
