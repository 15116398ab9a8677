using System.Collections.Concurrent;
using System.Net;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Auth;

/// <summary>
/// Brute-force accounting for SMTP, IMAP and POP3 together. Every password check goes through
/// <see cref="BeginAsync"/>: it refuses a banned address (also on connections opened before the
/// ban) and reserves an in-flight slot, so failures plus checks running at once never exceed
/// AuthFailLimit — ten pre-opened connections cannot verify in parallel past the limit. Failures
/// are kept per address with the user they were for: a success clears only that user's failures,
/// so owning one account never wipes the count of guesses at another. Reaching the limit bans the
/// address (one stored row per address, which the console and CLI list and lift) and cuts the
/// address's other open sessions. An address whose IP range is marked "never ban" is never banned:
/// the allow-list always wins.
/// </summary>
public sealed class AuthThrottle(SettingsSnapshotProvider settings, IDbContextFactory<MailHostDbContext> dbFactory, ConnectionTracker tracker, TimeProvider time, ILogger<AuthThrottle> logger) : IDisposable
{
    /// <summary>How long an attempt waits for a free slot while other checks from its address run.</summary>
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SlotPoll = TimeSpan.FromMilliseconds(25);

    private readonly ConcurrentDictionary<IPAddress, AddressFailures> _failures = new();
    private readonly SemaphoreSlim _banWrite = new(1, 1);
    private readonly Lock _bansLock = new();
    private volatile Dictionary<IPAddress, DateTime> _bans = [];
    private long _bansRevision = -1;

    private sealed class AddressFailures
    {
        public readonly List<(DateTimeOffset At, string User)> Failures = [];
        public int InFlight;
    }

    public bool IsBanned(IPAddress address)
    {
        RefreshIfSettingsChanged();
        address = Normalize(address);
        if (IsNeverBan(address))
        {
            return false;
        }
        return _bans.TryGetValue(address, out var until) && until > time.GetUtcNow().UtcDateTime;
    }

    /// <summary>Failures from <paramref name="address"/> counted now (for tests and the dashboard).</summary>
    public int FailureCount(IPAddress address)
    {
        if (!_failures.TryGetValue(Normalize(address), out var state))
        {
            return 0;
        }
        lock (state)
        {
            Prune(state, time.GetUtcNow(), settings.Current.Server.AuthFailWindow);
            return state.Failures.Count;
        }
    }

    /// <summary>
    /// Call before checking a password for <paramref name="user"/>. The attempt's gate says whether the
    /// check may run; when it is <see cref="AuthGate.Open"/> report the outcome on the attempt (disposing
    /// it without an outcome only frees the slot).
    /// </summary>
    public async Task<AuthAttempt> BeginAsync(MailConnection connection, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var address = Normalize(connection.RemoteAddress);
        var key = (user ?? "").Trim().ToLowerInvariant();
        var deadline = time.GetUtcNow() + SlotWait;
        while (true)
        {
            if (IsBanned(address))
            {
                return new AuthAttempt(this, connection, address, key, AuthGate.Banned, counted: false);
            }
            if (IsNeverBan(address))
            {
                return new AuthAttempt(this, connection, address, key, AuthGate.Open, counted: false);
            }
            var server = settings.Current.Server;
            var state = _failures.GetOrAdd(address, _ => new AddressFailures());
            lock (state)
            {
                // Again under the lock: the failure that bans sets the ban before it clears the count.
                if (_bans.TryGetValue(address, out var until) && until > time.GetUtcNow().UtcDateTime)
                {
                    return new AuthAttempt(this, connection, address, key, AuthGate.Banned, counted: false);
                }
                Prune(state, time.GetUtcNow(), server.AuthFailWindow);
                if (state.Failures.Count + state.InFlight < server.AuthFailLimit)
                {
                    state.InFlight++;
                    return new AuthAttempt(this, connection, address, key, AuthGate.Open, counted: true);
                }
            }
            if (time.GetUtcNow() > deadline)
            {
                return new AuthAttempt(this, connection, address, key, AuthGate.Busy, counted: false);
            }
            await Task.Delay(SlotPoll, time, cancellationToken);
        }
    }

    internal void Release(AuthAttempt attempt)
    {
        if (_failures.TryGetValue(attempt.Address, out var state))
        {
            lock (state)
            {
                state.InFlight--;
            }
        }
    }

    internal void Succeeded(AuthAttempt attempt)
    {
        if (!_failures.TryGetValue(attempt.Address, out var state))
        {
            return;
        }
        lock (state)
        {
            state.InFlight--;
            // Only this user's failures: a success never clears the guesses at someone else's account.
            state.Failures.RemoveAll(f => f.User == attempt.User);
        }
    }

    /// <summary>Records a failure; returns true when this failure banned the address.</summary>
    internal async Task<bool> FailedAsync(AuthAttempt attempt, string protocol)
    {
        var server = settings.Current.Server;
        var now = time.GetUtcNow();
        var state = _failures.GetOrAdd(attempt.Address, _ => new AddressFailures());
        var until = (now + server.AuthBanDuration).UtcDateTime;
        int count;
        lock (state)
        {
            state.InFlight--;
            state.Failures.Add((now, attempt.User));
            Prune(state, now, server.AuthFailWindow);
            count = state.Failures.Count;
            if (count < server.AuthFailLimit)
            {
                return false;
            }
            lock (_bansLock)
            {
                _bans = new Dictionary<IPAddress, DateTime>(_bans) { [attempt.Address] = until };
            }
            state.Failures.Clear();
        }
        var address = attempt.Address;
        var closed = tracker.AbortAddress(address, attempt.Connection);
        // The ban is stored even when the client has gone: a cancelled session must not undo it.
        await _banWrite.WaitAsync(CancellationToken.None);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            var text = address.ToString();
            var rows = await db.IpBans.Where(b => b.Address == text).OrderByDescending(b => b.Id).ToListAsync(CancellationToken.None);
            // One row per address: a repeated ban updates the row instead of adding an identical one.
            var ban = rows.FirstOrDefault() ?? db.IpBans.Add(new IpBan { Address = text }).Entity;
            db.IpBans.RemoveRange(rows.Skip(1));
            ban.BannedUtc = now.UtcDateTime;
            ban.UntilUtc = until;
            ban.Reason = $"{count} failed {protocol} logins within {server.AuthFailWindow.TotalMinutes:0} minutes";
            await db.SaveChangesAsync(CancellationToken.None);
        }
        finally
        {
            _banWrite.Release();
        }
        Logging.AuthLog.Banned(logger, address.ToString(), count, until);
        Logging.AuthLog.BanClosedSessions(logger, address.ToString(), closed);
        return true;
    }

    private bool IsNeverBan(IPAddress address) => settings.Current.MatchRange(address, time.GetUtcNow().UtcDateTime) is { NeverBan: true };

    private static void Prune(AddressFailures state, DateTimeOffset now, TimeSpan window) => state.Failures.RemoveAll(f => f.At < now - window);

    /// <summary>Re-reads bans after any settings change (the CLI and console lift bans by bumping the revision).</summary>
    private void RefreshIfSettingsChanged()
    {
        var revision = settings.Current.Revision;
        if (Interlocked.Exchange(ref _bansRevision, revision) == revision)
        {
            return;
        }
        using var db = dbFactory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        _bans = db.IpBans.AsNoTracking().Where(b => b.UntilUtc > now).AsEnumerable()
            .Where(b => IPAddress.TryParse(b.Address, out _))
            .GroupBy(b => IPAddress.Parse(b.Address))
            .ToDictionary(g => g.Key, g => g.Max(b => b.UntilUtc));
    }

    /// <summary>Makes the next check re-read the stored bans (a ban committed by another node: PostgresChangeListener).</summary>
    public void InvalidateBans() => Interlocked.Exchange(ref _bansRevision, -1);

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public void Dispose() => _banWrite.Dispose();
}

/// <summary>What <see cref="AuthThrottle.BeginAsync"/> decided for one password check.</summary>
public enum AuthGate
{
    /// <summary>Check the password, then report the outcome.</summary>
    Open,

    /// <summary>The address is banned: refuse and close, whatever the password.</summary>
    Banned,

    /// <summary>Too many checks from this address are running: refuse temporarily without checking.</summary>
    Busy,
}

/// <summary>One reserved password check. Dispose always; report Succeeded or FailedAsync when the gate was open.</summary>
public sealed class AuthAttempt : IDisposable
{
    private readonly AuthThrottle _throttle;
    private bool _done;

    internal AuthAttempt(AuthThrottle throttle, MailConnection connection, IPAddress address, string user, AuthGate gate, bool counted)
    {
        _throttle = throttle;
        Connection = connection;
        Address = address;
        User = user;
        Gate = gate;
        _done = !counted;
    }

    public AuthGate Gate { get; }
    internal MailConnection Connection { get; }
    internal IPAddress Address { get; }
    internal string User { get; }

    public void Succeeded()
    {
        if (!_done)
        {
            _done = true;
            _throttle.Succeeded(this);
        }
    }

    /// <summary>Records the failure; true when it banned the address (the caller says so and closes).</summary>
    public async Task<bool> FailedAsync(string protocol)
    {
        if (_done)
        {
            return false;
        }
        _done = true;
        return await _throttle.FailedAsync(this, protocol);
    }

    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            _throttle.Release(this);
        }
    }
}
