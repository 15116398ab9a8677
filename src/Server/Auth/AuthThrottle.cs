using System.Collections.Concurrent;
using System.Net;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Auth;

/// <summary>
/// Counts failed logins per address (all protocols together) and bans an address that reaches the
/// limit within the window. Bans are stored (so the console and CLI list and lift them) and re-read
/// when settings change. An address whose IP range is marked "never ban" is never banned: the
/// allow-list always wins.
/// </summary>
public sealed class AuthThrottle(SettingsSnapshotProvider settings, IDbContextFactory<MailHostDbContext> dbFactory, TimeProvider time, ILogger<AuthThrottle> logger)
{
    private readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _failures = new();
    private volatile Dictionary<IPAddress, DateTime> _bans = [];
    private long _bansRevision = -1;

    public bool IsBanned(IPAddress address)
    {
        RefreshIfSettingsChanged();
        var snapshot = settings.Current;
        if (snapshot.MatchRange(address, time.GetUtcNow().UtcDateTime) is { NeverBan: true })
        {
            return false;
        }
        return _bans.TryGetValue(Normalize(address), out var until) && until > time.GetUtcNow().UtcDateTime;
    }

    public void RecordSuccess(IPAddress address) => _failures.TryRemove(Normalize(address), out _);

    /// <summary>Records a failure; returns true when this failure banned the address.</summary>
    public async Task<bool> RecordFailureAsync(IPAddress address, string protocol, CancellationToken cancellationToken)
    {
        address = Normalize(address);
        var snapshot = settings.Current;
        var now = time.GetUtcNow();
        if (snapshot.MatchRange(address, now.UtcDateTime) is { NeverBan: true })
        {
            return false;
        }
        var server = snapshot.Server;
        var queue = _failures.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        int count;
        lock (queue)
        {
            queue.Enqueue(now);
            while (queue.Count > 0 && queue.Peek() < now - server.AuthFailWindow)
            {
                queue.Dequeue();
            }
            count = queue.Count;
        }
        if (count < server.AuthFailLimit)
        {
            return false;
        }
        _failures.TryRemove(address, out _);
        var until = (now + server.AuthBanDuration).UtcDateTime;
        var bans = new Dictionary<IPAddress, DateTime>(_bans) { [address] = until };
        _bans = bans;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.IpBans.Add(new IpBan
        {
            Address = address.ToString(),
            BannedUtc = now.UtcDateTime,
            UntilUtc = until,
            Reason = $"{count} failed {protocol} logins within {server.AuthFailWindow.TotalMinutes:0} minutes",
        });
        await db.SaveChangesAsync(cancellationToken);
        Logging.AuthLog.Banned(logger, address.ToString(), count, until);
        return true;
    }

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

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
