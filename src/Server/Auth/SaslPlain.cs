using System.Text;

namespace MailHost.Server.Auth;

/// <summary>SASL PLAIN (RFC 4616): base64 of authzid NUL authcid NUL passwd. Shared by SMTP, IMAP and POP3.</summary>
public static class SaslPlain
{
    public const string Name = "PLAIN";

    /// <summary>Decodes a PLAIN response; false on bad base64, wrong shape, empty user or password, or invalid UTF-8.</summary>
    public static bool TryDecode(string base64, out string authzid, out string user, out string password)
    {
        authzid = user = password = "";
        if (!SaslEncoding.TryDecodeUtf8(base64, out var text))
        {
            return false;
        }
        var parts = text.Split('\0');
        // RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }
        (authzid, user, password) = (parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary>Decodes a PLAIN response whose authzid is empty or the user itself: acting as another user is not supported.</summary>
    public static bool TryDecodeOwnIdentity(string base64, out string user, out string password) =>
        TryDecode(base64, out var authzid, out user, out password) && (authzid.Length == 0 || authzid.Equals(user, StringComparison.OrdinalIgnoreCase));

    public static string Encode(string authzid, string user, string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{authzid}\0{user}\0{password}"));
}

/// <summary>SASL LOGIN (draft-murchison-sasl-login): two base64 prompts, user name then password.</summary>
public static class SaslLogin
{
    public const string Name = "LOGIN";

    /// <summary>"Username:" and "Password:" in base64, as every LOGIN client expects.</summary>
    public const string UserPrompt = "VXNlcm5hbWU6";
    public const string PasswordPrompt = "UGFzc3dvcmQ6";

    public static bool TryDecode(string base64, out string value) => SaslEncoding.TryDecodeUtf8(base64, out value) && value.Length > 0;
}

/// <summary>Strict base64 and UTF-8 decoding for SASL responses.</summary>
public static class SaslEncoding
{
    public static bool TryDecodeUtf8(string? base64, out string text)
    {
        text = "";
        if (string.IsNullOrEmpty(base64) || base64 == "=")
        {
            return false;
        }
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
