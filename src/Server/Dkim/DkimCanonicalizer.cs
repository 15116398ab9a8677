using System.Text;

namespace MailHost.Server.Dkim;

/// <summary>RFC 6376 §3.4.2 and §3.4.4 "relaxed" canonicalization of header fields and body.</summary>
public static class DkimCanonicalizer
{
    /// <summary>
    /// "name:value" with the name lower-cased, the value unfolded, whitespace runs reduced to one space,
    /// whitespace around the colon and at the end removed (RFC 6376 §3.4.2). No trailing CRLF.
    /// </summary>
    public static string RelaxedHeader(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var colon = field.IndexOf(':', StringComparison.Ordinal);
        var name = field[..colon].TrimEnd(' ', '\t').ToLowerInvariant();
        var value = field[(colon + 1)..].Replace("\r\n", "", StringComparison.Ordinal);
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t')
            {
                space = true;
                continue;
            }
            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }
            space = false;
            sb.Append(c);
        }
        return name + ":" + sb;
    }

    /// <summary>
    /// RFC 6376 §3.4.4: whitespace runs in a line become one space, trailing whitespace on lines goes,
    /// empty lines at the end go, and a non-empty body ends with exactly one CRLF.
    /// </summary>
    public static byte[] RelaxedBody(ReadOnlySpan<byte> body)
    {
        var output = new List<byte>(body.Length);
        var pendingEmptyLines = 0;
        var line = new List<byte>(256);
        var i = 0;
        while (i < body.Length)
        {
            var nl = body[i..].IndexOf((byte)'\n');
            var end = nl < 0 ? body.Length : i + nl;
            var raw = body[i..end];
            if (raw.Length > 0 && raw[^1] == (byte)'\r')
            {
                raw = raw[..^1];
            }
            line.Clear();
            var space = false;
            foreach (var b in raw)
            {
                if (b is (byte)' ' or (byte)'\t')
                {
                    space = true;
                    continue;
                }
                if (space)
                {
                    line.Add((byte)' ');
                }
                space = false;
                line.Add(b);
            }
            if (line.Count == 0)
            {
                pendingEmptyLines++;
            }
            else
            {
                for (; pendingEmptyLines > 0; pendingEmptyLines--)
                {
                    output.Add((byte)'\r');
                    output.Add((byte)'\n');
                }
                output.AddRange(line);
                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
            i = nl < 0 ? body.Length : end + 1;
        }
        return [.. output];
    }
}
