using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Auth;

/// <summary>Why a login failed; logged, never told to the client (which sees one failure reply for all).</summary>
public enum AuthFailure
{
    None,
    UnknownUser,
    BadPassword,
    Disabled,
    ProtocolDenied,

    /// <summary>The password was right but the client asked to act as someone else (SASL authzid).</summary>
    AuthorizationDenied,
}

public sealed record AuthResult(AccountSpec? Account, AuthFailure Failure)
{
    public bool Succeeded => Account is not null;

    /// <summary>The outcome of a SCRAM exchange (the proof was checked by <see cref="SaslScramSha256"/>) for this protocol.</summary>
    public static AuthResult OfScram(SaslScramSha256 scram, string? serverFinal, MailHostSnapshot snapshot, ListenerProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(scram);
        ArgumentNullException.ThrowIfNull(snapshot);
        snapshot.Accounts.TryGetValue(scram.User.Trim().ToLowerInvariant(), out var account);
        if (account is null)
        {
            return new AuthResult(null, AuthFailure.UnknownUser);
        }
        if (serverFinal is null)
        {
            return new AuthResult(null, AuthFailure.BadPassword);
        }
        if (scram.AuthorizationMismatch)
        {
            return new AuthResult(null, AuthFailure.AuthorizationDenied);
        }
        if (!account.Enabled)
        {
            return new AuthResult(null, AuthFailure.Disabled);
        }
        return CredentialVerifier.Allows(account, protocol) ? new AuthResult(account, AuthFailure.None) : new AuthResult(null, AuthFailure.ProtocolDenied);
    }
}

/// <summary>
/// Checks a user name and password against the current accounts, with the same cost whether the
/// account exists or not. A short-lived cache of successful checks (keyed by an HMAC of the
/// password under a per-process key, like Dovecot's auth cache) keeps 600k-iteration PBKDF2 off
/// the hot path for clients that reconnect often. A legacy (password-equivalent) row is rewritten in
/// the current format at its first successful password login, while the password is at hand.
/// </summary>
public sealed class CredentialVerifier(SettingsSnapshotProvider settings, IDbContextFactory<MailHostDbContext> dbFactory, TimeProvider time, ILogger<CredentialVerifier> logger)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string StoredHash, byte[] Mac, DateTimeOffset Until)> _cache = new();
    private readonly ConcurrentDictionary<string, byte> _migrating = new();

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
        if (PasswordHasher.IsLegacy(account.PasswordHash) && _migrating.TryAdd(account.Address, 0))
        {
            // In the background: the client gets its reply now, not after two more key derivations.
            var (address, legacy) = (account.Address, account.PasswordHash);
            _ = Task.Run(() => MigrateAsync(address, legacy, password), CancellationToken.None);
        }
        if (!account.Enabled)
        {
            return new AuthResult(null, AuthFailure.Disabled);
        }
        return Allows(account, protocol) ? new AuthResult(account, AuthFailure.None) : new AuthResult(null, AuthFailure.ProtocolDenied);
    }

    internal static bool Allows(AccountSpec account, ListenerProtocol protocol) => protocol switch
    {
        ListenerProtocol.Smtp or ListenerProtocol.Submission => account.AllowSmtp,
        ListenerProtocol.Imap => account.AllowImap,
        ListenerProtocol.Pop3 => account.AllowPop3,
        _ => false,
    };

    /// <summary>
    /// Replaces a legacy row (only if nobody changed it meanwhile) at the same iteration count, and
    /// reloads the snapshot so SCRAM sees the new keys. Never throws: the login already succeeded.
    /// </summary>
    private async Task MigrateAsync(string address, string legacy, string password)
    {
        var cancellationToken = CancellationToken.None;
        try
        {
            var hash = PasswordHasher.Hash(password, PasswordHasher.IterationsOf(legacy) ?? PasswordHasher.Iterations);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var changed = await db.Accounts.Where(a => a.Address == address && a.PasswordHash == legacy)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.PasswordHash, hash), cancellationToken);
            if (changed > 0)
            {
                await db.ServerSettings.ExecuteUpdateAsync(u => u.SetProperty(x => x.Revision, x => x.Revision + 1), cancellationToken);
                await settings.ReloadAsync(cancellationToken);
                Logging.AuthLog.PasswordRowMigrated(logger, address);
            }
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or DbUpdateException or InvalidOperationException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The login itself succeeded; the rewrite is retried at the next one.
            Logging.AuthLog.PasswordRowMigrationFailed(logger, address, ex);
        }
        finally
        {
            _migrating.TryRemove(address, out _);
        }
    }
}
