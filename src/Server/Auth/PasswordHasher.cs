using System.Security.Cryptography;

namespace MailHost.Server.Auth;

/// <summary>SCRAM-SHA-256 keys from a stored password row: what the server needs and nothing that lets anyone log in.</summary>
public sealed record ScramCredential(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey);

/// <summary>
/// Stored password rows. The current format holds what SCRAM-SHA-256 needs (StoredKey and ServerKey,
/// as Dovecot's SCRAM-SHA-256 scheme does) and, under its own salt, a PBKDF2 verifier for PLAIN and
/// LOGIN: "scram-sha-256+pbkdf2$i$scramSalt$StoredKey$ServerKey$i$salt$verifier". Neither part is
/// password-equivalent: SCRAM needs ClientKey, which only the password gives. The legacy format
/// "pbkdf2-sha256$i$salt$hash" stored SCRAM's SaltedPassword itself, from which a copy of the database
/// computes a valid SCRAM proof; it still verifies, and the next PLAIN/LOGIN login rewrites it.
/// </summary>
public static class PasswordHasher
{
    /// <summary>PBKDF2-SHA256 iterations of the PLAIN/LOGIN verifier (OWASP's 2023 figure).</summary>
    public const int Iterations = 600_000;

    /// <summary>
    /// SCRAM-SHA-256 iterations (sent to the client as i=). Clients compute them on every login, and Cyrus
    /// SASL clients (mbsync, mutt built with Cyrus, Thunderbird's libsasl users) refuse counts above 65,536
    /// ("iteration-count is too big"): 16,384 is four times RFC 7677's minimum and well inside that cap.
    /// </summary>
    public const int ScramIterations = 16_384;
    public const string Scheme = "scram-sha-256+pbkdf2";
    private const string LegacyScheme = "pbkdf2-sha256";

    public static string Hash(string password) => Hash(password, Iterations);

    public static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var scramSalt = RandomNumberGenerator.GetBytes(16);
        var scramIterations = Math.Min(iterations, ScramIterations);
        var salted = Rfc2898DeriveBytes.Pbkdf2(password, scramSalt, scramIterations, HashAlgorithmName.SHA256, 32);
        var (storedKey, serverKey) = ScramKeys(salted);
        CryptographicOperations.ZeroMemory(salted);
        var verifySalt = RandomNumberGenerator.GetBytes(16);
        var verifier = Rfc2898DeriveBytes.Pbkdf2(password, verifySalt, iterations, HashAlgorithmName.SHA256, 32);
        var si = scramIterations.ToString(CultureInfo.InvariantCulture);
        var i = iterations.ToString(CultureInfo.InvariantCulture);
        return string.Join('$', Scheme, si, B64(scramSalt), B64(storedKey), B64(serverKey), i, B64(verifySalt), B64(verifier));
    }

    /// <summary>True for a row in the old, password-equivalent format (rewrite it at the next password login).</summary>
    public static bool IsLegacy(string? stored) => stored?.StartsWith(LegacyScheme + "$", StringComparison.Ordinal) == true;

    /// <summary>The PBKDF2 iteration count of a stored row, either format.</summary>
    public static int? IterationsOf(string? stored) =>
        (stored ?? "").Split('$') is [_, var i, ..] && int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : null;

    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        var parts = (stored ?? "").Split('$');
        (int Iterations, byte[] Salt, byte[] Expected)? check = parts switch
        {
            [LegacyScheme, var i, var s, var h] => Parse(i, s, h),
            [Scheme, _, _, _, _, var i, var s, var h] => Parse(i, s, h),
            _ => null,
        };
        if (check is not { } c)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, c.Salt, c.Iterations, HashAlgorithmName.SHA256, c.Expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, c.Expected);
    }

    /// <summary>The SCRAM-SHA-256 keys of a stored row (either format); null when the row is not one of ours.</summary>
    public static ScramCredential? ScramKeysOf(string? stored)
    {
        var parts = (stored ?? "").Split('$');
        switch (parts)
        {
            case [Scheme, var i, var s, var storedKey, var serverKey, _, _, _]:
                if (Parse(i, s, storedKey) is { } a && TryB64(serverKey, out var server) && a.Expected.Length == 32 && server.Length == 32)
                {
                    return new ScramCredential(a.Salt, a.Iterations, a.Expected, server);
                }
                return null;
            case [LegacyScheme, var i, var s, var h]:
                if (Parse(i, s, h) is { Expected.Length: 32 } legacy)
                {
                    var (storedKey, serverKey) = ScramKeys(legacy.Expected);
                    return new ScramCredential(legacy.Salt, legacy.Iterations, storedKey, serverKey);
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>RFC 5802 §3: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword, "Server Key").</summary>
    private static (byte[] StoredKey, byte[] ServerKey) ScramKeys(byte[] saltedPassword)
    {
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        CryptographicOperations.ZeroMemory(clientKey);
        return (storedKey, HMACSHA256.HashData(saltedPassword, "Server Key"u8));
    }

    private static (int Iterations, byte[] Salt, byte[] Expected)? Parse(string iterations, string salt, string hash) =>
        int.TryParse(iterations, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && TryB64(salt, out var s) && TryB64(hash, out var h) && h.Length > 0
            ? (n, s, h)
            : null;

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>Base64 that never throws (stored rows and SCRAM messages are both untrusted text).</summary>
    internal static bool TryB64(string text, out byte[] bytes)
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

    /// <summary>Hashes a password nobody knows, so a login for a missing account costs the same time.</summary>
    public static readonly string DummyHash = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
}
