using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Admin.Web.Logs;

/// <summary>A name and how often it was seen.</summary>
public sealed record NameCount(string Name, long Count);

/// <summary>Connections per listener and TLS version ("none", "failed", "starttls failed" for non-TLS outcomes).</summary>
public sealed record ListenerVersionCount(string Listener, string Version, long Count);

/// <summary>Connections per listener and negotiated cipher (the .NET/IANA suite name the TLS log records).</summary>
public sealed record ListenerCipherCount(string Listener, string Cipher, long Count);

/// <summary>What the TLS policy impact check needs: the last 24 h of versions and ciphers per listener.</summary>
public sealed record TlsUsage(IReadOnlyList<ListenerVersionCount> Versions, IReadOnlyList<ListenerCipherCount> Ciphers)
{
    public static readonly TlsUsage Empty = new([], []);
}

/// <summary>The dashboard's log figures for the current hour and the last 24 hours.</summary>
public sealed record LogDaySummary(
    IReadOnlyDictionary<string, (long Hour, long Day)> Deliveries,
    IReadOnlyList<NameCount> TlsVersions,
    IReadOnlyList<NameCount> Ciphers);

/// <summary>One UTC day's sender-authentication counts: messages per "spf:pass", "dkim:fail", "dmarc:none" … key.</summary>
public sealed record MailAuthDay(DateOnly Day, IReadOnlyDictionary<string, long> Counts)
{
    public long Of(string check, string result) => Counts.GetValueOrDefault($"{check}:{result}");
}

/// <summary>
/// Reads the log writer's hourly buckets (logs.db), never the log rows: a refresh costs at most 24
/// bucket rows per key whatever the traffic.
/// </summary>
public sealed class LogStatistics(IDbContextFactory<LogsDbContext> dbFactory, TimeProvider time)
{
    private const string Delivery = "delivery";
    private const string Tls = "tls";
    private const string Cipher = "cipher";

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static DateTime HourOf(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>The 24 buckets ending with the current hour.</summary>
    private DateTime DayStart => HourOf(Now).AddHours(-23);

    public async Task<LogDaySummary> LastDayAsync(CancellationToken cancellationToken = default)
    {
        var from = DayStart;
        var thisHour = HourOf(Now);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.HourBuckets.AsNoTracking().Where(b => b.HourUtc >= from)
            .Select(b => new { b.HourUtc, b.Kind, b.Key, b.Count }).ToListAsync(cancellationToken);
        var deliveries = rows.Where(r => r.Kind == Delivery).GroupBy(r => r.Key)
            .ToDictionary(g => g.Key, g => (g.Where(r => r.HourUtc >= thisHour).Sum(r => r.Count), g.Sum(r => r.Count)), StringComparer.Ordinal);
        var versions = rows.Where(r => r.Kind == Tls).GroupBy(r => r.Key)
            .Select(g => new NameCount(g.Key, g.Sum(r => r.Count))).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        var ciphers = rows.Where(r => r.Kind == Cipher).GroupBy(r => r.Key)
            .Select(g => new NameCount(g.Key, g.Sum(r => r.Count))).OrderByDescending(x => x.Count).Take(8).ToList();
        return new LogDaySummary(deliveries, versions, ciphers);
    }

    /// <summary>Connections of the last 24 h per listener and TLS version (the TLS policy impact check).</summary>
    public async Task<IReadOnlyList<ListenerVersionCount>> TlsVersionsByListenerAsync(CancellationToken cancellationToken = default)
    {
        var from = DayStart;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.HourBuckets.AsNoTracking().Where(b => b.HourUtc >= from && b.Kind == Tls)
            .Select(b => new { b.Listener, b.Key, b.Count }).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => (r.Listener, r.Key)).Select(g => new ListenerVersionCount(g.Key.Listener, g.Key.Key, g.Sum(r => r.Count)))
            .OrderBy(x => x.Listener, StringComparer.Ordinal).ThenBy(x => x.Version, StringComparer.Ordinal)];
    }

    /// <summary>Versions and ciphers per listener over the last 24 h, from the hourly buckets (one query).</summary>
    public async Task<TlsUsage> TlsUsageAsync(CancellationToken cancellationToken = default)
    {
        var from = DayStart;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.HourBuckets.AsNoTracking().Where(b => b.HourUtc >= from && (b.Kind == Tls || b.Kind == Cipher))
            .Select(b => new { b.Kind, b.Listener, b.Key, b.Count }).ToListAsync(cancellationToken);
        var groups = rows.GroupBy(r => (r.Kind, r.Listener, r.Key)).Select(g => (g.Key.Kind, g.Key.Listener, g.Key.Key, Count: g.Sum(r => r.Count))).ToList();
        return new TlsUsage(
            [.. groups.Where(g => g.Kind == Tls).Select(g => new ListenerVersionCount(g.Listener, g.Key, g.Count))],
            [.. groups.Where(g => g.Kind == Cipher).Select(g => new ListenerCipherCount(g.Listener, g.Key, g.Count))]);
    }

    /// <summary>Sender-authentication results per UTC day, newest first, for the last <paramref name="days"/> days (days without checks left out).</summary>
    public async Task<IReadOnlyList<MailAuthDay>> MailAuthByDayAsync(int days = 7, CancellationToken cancellationToken = default)
    {
        var today = Now.Date;
        var from = DateTime.SpecifyKind(today.AddDays(1 - days), DateTimeKind.Utc);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.HourBuckets.AsNoTracking().Where(b => b.HourUtc >= from && b.Kind == "mailauth")
            .Select(b => new { b.HourUtc, b.Key, b.Count }).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => DateOnly.FromDateTime(r.HourUtc)).OrderByDescending(g => g.Key)
            .Select(g => new MailAuthDay(g.Key, g.GroupBy(r => r.Key).ToDictionary(k => k.Key, k => k.Sum(r => r.Count), StringComparer.Ordinal)))];
    }
}
