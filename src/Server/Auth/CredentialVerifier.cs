using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Settings;

namespace MailHost.Server.Auth;

/// <summary>Why a login failed; logged, never told to the client (which sees one failure reply for all).</summary>
public enum AuthFailure
{
    None,
    UnknownUser,
    BadPassword,
    Disabled,
    ProtocolDenied,
}

public sealed record AuthResult(AccountSpec? Account, AuthFailure Failure)
{
    public bool Succeeded => Account is not null;
}

/// <summary>
/// Checks a user name and password against the current accounts, with the same cost whether the
/// account exists or not. A short-lived cache of successful checks (keyed by an HMAC of the
/// password under a per-process key, like Dovecot's auth cache) keeps 600k-iteration PBKDF2 off
/// the hot path for clients that reconnect often.
/// </summary>
public sealed class CredentialVerifier(SettingsSnapshotProvider settings, TimeProvider time)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string StoredHash, byte[] Mac, DateTimeOffset Until)> _cache = new();

    public async Task<AuthResult> VerifyAsync(string user, string password, ListenerProtocol protocol, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var snapshot = settings.Current;
        var key = user.Trim().ToLowerInvariant();
        snapshot.Accounts.TryGetValue(key, out var account);
        var stored = account?.PasswordHash ?? PasswordHasher.DummyHash;
        var mac = HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(key + "\0" + password));
        bool ok;
        if (_cache.TryGetValue(key, out var cached) && cached.StoredHash == stored && cached.Until > time.GetUtcNow() && CryptographicOperations.FixedTimeEquals(cached.Mac, mac))
        {
            ok = true;
        }
        else
        {
            // PBKDF2 is CPU-bound for ~0.2 s: keep it off the I/O threads.
            ok = await Task.Run(() => PasswordHasher.Verify(password, stored), cancellationToken) && account is not null;
            if (ok)
            {
                _cache[key] = (stored, mac, time.GetUtcNow() + CacheLifetime);
            }
        }
        if (account is null)
        {
            return new AuthResult(null, AuthFailure.UnknownUser);
        }
        if (!ok)
        {
            return new AuthResult(null, AuthFailure.BadPassword);
        }
        if (!account.Enabled)
        {
            return new AuthResult(null, AuthFailure.Disabled);
        }
        var allowed = protocol switch
        {
            ListenerProtocol.Smtp or ListenerProtocol.Submission => account.AllowSmtp,
            ListenerProtocol.Imap => account.AllowImap,
            ListenerProtocol.Pop3 => account.AllowPop3,
            _ => false,
        };
        return allowed ? new AuthResult(account, AuthFailure.None) : new AuthResult(null, AuthFailure.ProtocolDenied);
    }
}
