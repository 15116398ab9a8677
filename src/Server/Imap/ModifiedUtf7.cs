using System.Text;

namespace MailHost.Server.Imap;

/// <summary>
/// Mailbox names in modified UTF-7 (RFC 3501 §5.1.3) for IMAP4rev1 clients; IMAP4rev2 sessions use
/// UTF-8 directly (RFC 9051 §5.1). "&amp;" starts a modified-base64 run of UTF-16, "-" ends it, "&amp;-" is "&amp;".
/// </summary>
public static class ModifiedUtf7
{
    public static string Encode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder();
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            if (c == '&')
            {
                sb.Append("&-");
                i++;
            }
            else if (c is >= ' ' and <= '~')
            {
                sb.Append(c);
                i++;
            }
            else
            {
                var start = i;
                while (i < name.Length && name[i] is < ' ' or > '~')
                {
                    i++;
                }
                var bytes = Encoding.BigEndianUnicode.GetBytes(name[start..i]);
                sb.Append('&').Append(Convert.ToBase64String(bytes).TrimEnd('=').Replace('/', ',')).Append('-');
            }
        }
        return sb.ToString();
    }

    /// <summary>Decodes; a malformed run is kept as it is, so any name still round-trips to something.</summary>
    public static string Decode(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.Contains('&', StringComparison.Ordinal))
        {
            return name;
        }
        var sb = new StringBuilder();
        var i = 0;
        while (i < name.Length)
        {
            var c = name[i];
            var end = c == '&' ? name.IndexOf('-', i + 1) : -1;
            if (c != '&' || end < 0)
            {
                sb.Append(c);
                i++;
                continue;
            }
            var run = name[(i + 1)..end];
            if (run.Length == 0)
            {
                sb.Append('&');
            }
            else
            {
                var b64 = run.Replace(',', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                try
                {
                    sb.Append(Encoding.BigEndianUnicode.GetString(Convert.FromBase64String(b64)));
                }
                catch (FormatException)
                {
                    sb.Append(name, i, end - i + 1);
                }
            }
            i = end + 1;
        }
        return sb.ToString();
    }
}
