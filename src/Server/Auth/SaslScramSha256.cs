using System.Security.Cryptography;
using System.Text;

namespace MailHost.Server.Auth;

/// <summary>
/// Server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding. Our stored password
/// hash is PBKDF2-HMAC-SHA256, which is exactly SCRAM's SaltedPassword = Hi(password, salt, i), so
/// no extra credential is stored and the server never sees the password. For an unknown user the
/// exchange runs with a salt derived from the name (stable, secret), so it looks like any other.
/// </summary>
public sealed class SaslScramSha256
{
    public const string Name = "SCRAM-SHA-256";
    private static readonly byte[] FakeSaltKey = RandomNumberGenerator.GetBytes(32);
    private readonly Func<string> _serverNonce;

    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private byte[] _storedKey = [];
    private byte[] _serverKey = [];
    private bool _known;

    public SaslScramSha256()
        : this(() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)))
    {
    }

    /// <summary>For the RFC 7677 test vector, whose server nonce is fixed.</summary>
    internal SaslScramSha256(Func<string> serverNonce) => _serverNonce = serverNonce;

    /// <summary>The user name from the client-first message (saslname unescaped).</summary>
    public string User { get; private set; } = "";

    /// <summary>Reads client-first; returns server-first, or null when the message is malformed.</summary>
    public string? Start(string clientFirst, Func<string, string?> storedHashOf)
    {
        ArgumentNullException.ThrowIfNull(clientFirst);
        ArgumentNullException.ThrowIfNull(storedHashOf);
        // gs2-header: "n,," (no channel binding, no authzid) or "y,,"; "p=" would need channel binding we do not offer.
        if (!(clientFirst.StartsWith("n,", StringComparison.Ordinal) || clientFirst.StartsWith("y,", StringComparison.Ordinal)))
        {
            return null;
        }
        var secondComma = clientFirst.IndexOf(',', 2);
        if (secondComma < 0)
        {
            return null;
        }
        _clientFirstBare = clientFirst[(secondComma + 1)..];
        var attributes = _clientFirstBare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal) || attributes[1].Length < 3)
        {
            return null;
        }
        var user = attributes[0][2..];
        // RFC 5802 §5.1: "=2C" and "=3D" are the only escapes; any other "=" is an error.
        if (user.Replace("=2C", "", StringComparison.Ordinal).Replace("=3D", "", StringComparison.Ordinal).Contains('=', StringComparison.Ordinal))
        {
            return null;
        }
        User = user.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        var clientNonce = attributes[1][2..];
        _nonce = clientNonce + _serverNonce();

        byte[] salt;
        int iterations;
        var stored = storedHashOf(User.Trim().ToLowerInvariant());
        var parts = stored?.Split('$');
        if (parts is { Length: 4 } && parts[0] == "pbkdf2-sha256" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            && TryBase64(parts[2], out salt) && TryBase64(parts[3], out var saltedPassword) && saltedPassword.Length == 32)
        {
            _known = true;
            var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
            _storedKey = SHA256.HashData(clientKey);
            _serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        }
        else
        {
            salt = HMACSHA256.HashData(FakeSaltKey, Encoding.UTF8.GetBytes(User.ToLowerInvariant()))[..16];
            iterations = PasswordHasher.Iterations;
        }
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(salt)},i={iterations.ToString(CultureInfo.InvariantCulture)}";
        return _serverFirst;
    }

    /// <summary>Checks client-final; returns the server-final message ("v=...") on success, null on any failure.</summary>
    public string? Finish(string clientFinal)
    {
        ArgumentNullException.ThrowIfNull(clientFinal);
        var proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0 || !TryBase64(clientFinal[(proofAt + 3)..], out var proof) || proof.Length != 32)
        {
            return null;
        }
        var withoutProof = clientFinal[..proofAt];
        var attributes = withoutProof.Split(',');
        // c= must be the base64 of the gs2 header without channel binding; r= must echo our nonce.
        if (attributes.Length < 2 || attributes[0] is not ("c=biws" or "c=eSws") || attributes[1] != "r=" + _nonce)
        {
            return null;
        }
        if (!_known)
        {
            return null;
        }
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = HMACSHA256.HashData(_storedKey, authMessage);
        var clientKey = new byte[32];
        for (var i = 0; i < 32; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), _storedKey))
        {
            return null;
        }
        return "v=" + Convert.ToBase64String(HMACSHA256.HashData(_serverKey, authMessage));
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
