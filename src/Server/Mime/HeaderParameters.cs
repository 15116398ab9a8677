using System.Text;

namespace MailHost.Server.Mime;

/// <summary>A structured header value "main; name=value; …" (Content-Type, Content-Disposition), RFC 2045 §5.1 and RFC 2231 lite.</summary>
public sealed record HeaderParameters(string Value, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    public string? Get(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Parses the value; with <paramref name="decodeExtended"/> false RFC 2231 parameters stay as sent (name*=charset''value).</summary>
    public static HeaderParameters Parse(string? header, bool decodeExtended = true)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return new HeaderParameters("", []);
        }
        var parts = SplitOutsideQuotes(header);
        var list = new List<KeyValuePair<string, string>>();
        var continued = new Dictionary<string, SortedDictionary<int, string>>(StringComparer.OrdinalIgnoreCase);
        var extended = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var name = part[..eq].Trim();
            var value = Unquote(part[(eq + 1)..].Trim());
            // RFC 2231 §3: name*0, name*1 … continuations; name* with charset''value.
            var star = name.IndexOf('*', StringComparison.Ordinal);
            if (star > 0)
            {
                var baseName = name[..star];
                var rest = name[(star + 1)..].TrimEnd('*');
                var index = int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
                if (!continued.TryGetValue(baseName, out var pieces))
                {
                    continued[baseName] = pieces = [];
                }
                if (name.EndsWith('*'))
                {
                    extended.Add(baseName);
                }
                // Undecoded (for a client without UTF-8), the pieces are still joined, under "name*" when encoded, as Dovecot does.
                pieces[index] = name.EndsWith('*') && decodeExtended ? DecodeExtended(value, index == 0) : value;
                continue;
            }
            list.Add(new(name, value));
        }
        foreach (var (name, pieces) in continued)
        {
            list.Add(new(decodeExtended || !extended.Contains(name) ? name : name + "*", string.Concat(pieces.Values)));
        }
        return new HeaderParameters(parts[0].Trim(), list);
    }

    private static string DecodeExtended(string value, bool first)
    {
        var charset = "utf-8";
        if (first)
        {
            var q1 = value.IndexOf('\'', StringComparison.Ordinal);
            var q2 = q1 >= 0 ? value.IndexOf('\'', q1 + 1) : -1;
            if (q2 > 0)
            {
                charset = value[..q1];
                value = value[(q2 + 1)..];
            }
        }
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return (Charsets.Find(charset) ?? Encoding.UTF8).GetString([.. bytes]);
    }

    private static List<string> SplitOutsideQuotes(string s)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && quoted && i + 1 < s.Length)
            {
                current.Append(c).Append(s[++i]);
                continue;
            }
            if (c == '"')
            {
                quoted = !quoted;
            }
            if (c == ';' && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        return parts;
    }

    public static string Unquote(string s)
    {
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < s.Length - 1; i++)
            {
                if (s[i] == '\\' && i + 1 < s.Length - 1)
                {
                    i++;
                }
                sb.Append(s[i]);
            }
            return sb.ToString();
        }
        return s;
    }
}
