using System.Security.Cryptography;
using System.Text;

namespace MailHost.Server.Auth;

/// <summary>
/// Server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, shared by SMTP, IMAP
/// and POP3. The server holds only StoredKey and ServerKey (see <see cref="PasswordHasher"/>), never
/// anything that would let a copy of the database log in. An authorization identity in the GS2
/// header (GNU SASL sends "n,a=user,") is accepted when it names the authenticated user. For an
/// unknown user the exchange runs with a salt derived from the name (stable, secret), so it looks
/// like any other. Messages and attribute lists are bounded: this runs before authentication.
/// </summary>
public sealed class SaslScramSha256
{
    public const string Name = "SCRAM-SHA-256";

    /// <summary>Longest client message (decoded) we read; real clients send well under 300 bytes.</summary>
    public const int MaxMessageLength = 2048;
    private const int MaxAttributes = 16;
    private static readonly byte[] FakeSaltKey = RandomNumberGenerator.GetBytes(32);
    private readonly Func<string> _serverNonce;

    private string _gs2Header = "";
    private string _clientFirstBare = "";
    private string _serverFirst = "";
    private string _nonce = "";
    private ScramCredential? _credential;

    public SaslScramSha256()
        : this(() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)))
    {
    }

    /// <summary>For the RFC 7677 test vector, whose server nonce is fixed.</summary>
    internal SaslScramSha256(Func<string> serverNonce) => _serverNonce = serverNonce;

    /// <summary>The user name from the client-first message (saslname unescaped).</summary>
    public string User { get; private set; } = "";

    /// <summary>The authorization identity from the GS2 header; empty when none was given.</summary>
    public string AuthorizationId { get; private set; } = "";

    /// <summary>True when an authorization identity was given that is not the user itself (refuse after the proof).</summary>
    public bool AuthorizationMismatch => AuthorizationId.Length > 0 && !AuthorizationId.Equals(User, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads client-first; returns server-first, or null when the message is malformed.</summary>
    public string? Start(string clientFirst, Func<string, string?> storedHashOf)
    {
        ArgumentNullException.ThrowIfNull(clientFirst);
        ArgumentNullException.ThrowIfNull(storedHashOf);
        if (clientFirst.Length > MaxMessageLength)
        {
            return null;
        }
        // gs2-header = gs2-cbind-flag "," [ authzid ] ","; "p=" would need channel binding we do not offer.
        if (!(clientFirst.StartsWith("n,", StringComparison.Ordinal) || clientFirst.StartsWith("y,", StringComparison.Ordinal)))
        {
            return null;
        }
        var secondComma = clientFirst.IndexOf(',', 2);
        if (secondComma < 0)
        {
            return null;
        }
        var authzid = clientFirst[2..secondComma];
        if (authzid.Length > 0)
        {
            if (!authzid.StartsWith("a=", StringComparison.Ordinal) || UnescapeSaslName(authzid[2..]) is not { Length: > 0 } a)
            {
                return null;
            }
            AuthorizationId = a;
        }
        _gs2Header = clientFirst[..(secondComma + 1)];
        _clientFirstBare = clientFirst[(secondComma + 1)..];
        var attributes = _clientFirstBare.Split(',', MaxAttributes + 1);
        // RFC 5802 §5.1: "m=" (reserved mandatory extension) must make the exchange fail.
        if (attributes.Length is < 2 or > MaxAttributes || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal) || attributes[1].Length < 3)
        {
            return null;
        }
        if (UnescapeSaslName(attributes[0][2..]) is not { Length: > 0 } user)
        {
            return null;
        }
        User = user;
        var clientNonce = attributes[1][2..];
        if (clientNonce.Contains(',', StringComparison.Ordinal) || clientNonce.Any(ch => ch < 0x21 || ch > 0x7e))
        {
            return null;
        }
        _nonce = clientNonce + _serverNonce();

        _credential = PasswordHasher.ScramKeysOf(storedHashOf(User.Trim().ToLowerInvariant()));
        var salt = _credential?.Salt ?? HMACSHA256.HashData(FakeSaltKey, Encoding.UTF8.GetBytes(User.ToLowerInvariant()))[..16];
        var iterations = _credential?.Iterations ?? PasswordHasher.ScramIterations;
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(salt)},i={iterations.ToString(CultureInfo.InvariantCulture)}";
        return _serverFirst;
    }

    /// <summary>Checks client-final; returns the server-final message ("v=...") on success, null on any failure.</summary>
    public string? Finish(string clientFinal)
    {
        ArgumentNullException.ThrowIfNull(clientFinal);
        if (clientFinal.Length > MaxMessageLength)
        {
            return null;
        }
        var proofAt = clientFinal.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0 || !PasswordHasher.TryB64(clientFinal[(proofAt + 3)..], out var proof) || proof.Length != 32)
        {
            return null;
        }
        var withoutProof = clientFinal[..proofAt];
        var attributes = withoutProof.Split(',', MaxAttributes + 1);
        // c= is the base64 of the very GS2 header sent first (with its authzid); r= must echo our nonce.
        var binding = "c=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header));
        if (attributes.Length is < 2 or > MaxAttributes || attributes[0] != binding || attributes[1] != "r=" + _nonce)
        {
            return null;
        }
        if (_credential is not { } credential)
        {
            return null;
        }
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = HMACSHA256.HashData(credential.StoredKey, authMessage);
        var clientKey = new byte[32];
        for (var i = 0; i < 32; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(clientKey), credential.StoredKey))
        {
            return null;
        }
        return "v=" + Convert.ToBase64String(HMACSHA256.HashData(credential.ServerKey, authMessage));
    }

    /// <summary>RFC 5802 §5.1: "=2C" and "=3D" are the only escapes; any other "=" is an error (null).</summary>
    private static string? UnescapeSaslName(string name)
    {
        if (name.Replace("=2C", "", StringComparison.Ordinal).Replace("=3D", "", StringComparison.Ordinal).Contains('=', StringComparison.Ordinal))
        {
            return null;
        }
        return name.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
    }
}
