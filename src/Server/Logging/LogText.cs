using System.Text;

namespace MailHost.Server.Logging;

/// <summary>
/// Escapes control characters in text that came from a client (user names, SMTP arguments) before
/// it reaches a log sink, so a CR/LF in input can never start a forged log line.
/// </summary>
public static class LogText
{
    public static bool NeedsEscaping(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>CR, LF and TAB become \r, \n, \t; every other C0/C1 control, DEL and the Unicode line/paragraph separators become \xNN or \uNNNN.</summary>
    public static string Escape(string value)
    {
        if (!NeedsEscaping(value))
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\r': sb.Append("\\r"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case < '\u0100' when IsControl(c): sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                case '\u2028' or '\u2029' or '\u0085': sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    private static bool IsControl(char c) => c < ' ' || c is >= '\u007F' and <= '\u009F' || c is '\u2028' or '\u2029';
}
