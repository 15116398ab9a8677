using System.Text;

namespace MailHost.Server.Imap;

/// <summary>
/// SASL PLAIN (RFC 4616) message decoding for IMAP and POP3: base64 of authzid NUL authcid NUL passwd.
/// A temporary local copy until the shared Auth/SaslPlain lands; the two should be merged.
/// </summary>
internal static class SaslPlainDecoder
{
    public static bool TryDecode(string base64, out string user, out string password)
    {
        user = password = "";
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var text = Encoding.UTF8.GetString(bytes);
        var parts = text.Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return false;
        }
        // Acting as another user (authzid) is not supported: it must be empty or the same identity.
        if (parts[0].Length > 0 && !parts[0].Equals(parts[1], StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        user = parts[1];
        password = parts[2];
        return true;
    }
}
