using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Hosting;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Delivery;

/// <summary>
/// Counts outbound TLS outcomes for TLS-RPT (RFC 8460). Delivery threads only bump an in-memory counter; a
/// background loop adds the counts to <see cref="TlsReportCounter"/> rows every few seconds (and at shutdown)
/// with an atomic "Count = Count + n" update, inserting the row when it is new. Bounded: at most
/// <see cref="MaxPendingKeys"/> distinct keys wait in memory; beyond that new keys are dropped and counted.
/// </summary>
public sealed class TlsOutcomeRecorder(IDbContextFactory<LogsDbContext> factory, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<TlsOutcomeRecorder> logger)
    : BackgroundService
{
    public const int MaxPendingKeys = 10_000;
    private ConcurrentDictionary<TlsReportCounter, StrongBox<long>> _pending = new(CounterKey.Comparer);
    private long _dropped;

    /// <summary>Outcomes dropped because too many distinct keys waited for the database.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(TlsSessionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var key = CounterKey.For(outcome, PeriodStart(time.GetUtcNow(), options.Value.TlsReportPeriod));
        var pending = _pending;
        if (!pending.TryGetValue(key, out var box))
        {
            if (pending.Count >= MaxPendingKeys)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            box = pending.GetOrAdd(key, _ => new StrongBox<long>());
        }
        Interlocked.Increment(ref box.Value);
    }

    /// <summary>The start of the report period holding <paramref name="now"/> (whole periods since the Unix epoch: UTC days by default).</summary>
    public static DateTime PeriodStart(DateTimeOffset now, TimeSpan period)
    {
        var ticks = (now.UtcTicks - DateTime.UnixEpoch.Ticks) / period.Ticks * period.Ticks;
        return new DateTime(DateTime.UnixEpoch.Ticks + ticks, DateTimeKind.Utc);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PeriodicPass.RunAsync(TimeSpan.FromSeconds(2), time, passAtStart: false, FlushAsync, ex => TlsReportLog.RecordFailed(logger, ex), stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        // Shutdown: what was counted since the last flush still goes in.
        await FlushSafelyAsync(CancellationToken.None);
    }

    private async Task FlushSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TlsReportLog.RecordFailed(logger, ex);
        }
    }

    /// <summary>Writes the counts gathered so far (the report worker calls it before reading the rows).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        // A delivery thread that fetched the old dictionary just before the swap may still add one to it after it was
        // read: at most a handful of counts lost at a flush, never a blocked delivery.
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<TlsReportCounter, StrongBox<long>>(CounterKey.Comparer));
        if (batch.IsEmpty)
        {
            return;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        foreach (var (key, box) in batch)
        {
            var n = Interlocked.Read(ref box.Value);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var updated = await db.TlsReportCounters.Where(c => c.PeriodStartUtc == key.PeriodStartUtc && c.PolicyDomain == key.PolicyDomain
                        && c.PolicyHash == key.PolicyHash && c.ResultType == key.ResultType && c.ReceivingMxHost == key.ReceivingMxHost
                        && c.ReceivingIp == key.ReceivingIp && c.SendingIp == key.SendingIp && c.FailureReason == key.FailureReason)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Count, c => c.Count + n), cancellationToken);
                if (updated > 0)
                {
                    break;
                }
                var row = CounterKey.Copy(key);
                row.Count = n;
                db.TlsReportCounters.Add(row);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }
                catch (DbUpdateException)
                {
                    // Another node (PostgreSQL) inserted the same key first: add to its row instead.
                    db.ChangeTracker.Clear();
                }
            }
        }
    }

    /// <summary>The unique key of a counter row, and its comparer for the in-memory batch.</summary>
    private static class CounterKey
    {
        public static readonly IEqualityComparer<TlsReportCounter> Comparer = EqualityComparer<TlsReportCounter>.Create(
            (a, b) => a is not null && b is not null && a.PeriodStartUtc == b.PeriodStartUtc && a.PolicyDomain == b.PolicyDomain && a.PolicyHash == b.PolicyHash
                && a.ResultType == b.ResultType && a.ReceivingMxHost == b.ReceivingMxHost && a.ReceivingIp == b.ReceivingIp && a.SendingIp == b.SendingIp
                && a.FailureReason == b.FailureReason,
            c => HashCode.Combine(c.PeriodStartUtc, c.PolicyDomain, c.PolicyHash, c.ResultType, c.ReceivingMxHost, c.ReceivingIp, c.SendingIp, c.FailureReason));

        public static TlsReportCounter For(TlsSessionOutcome o, DateTime period)
        {
            var strings = string.Join('\n', o.Policy.Strings);
            var mx = string.Join('\n', o.Policy.MxHosts);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{o.Policy.Type}\0{strings}\0{mx}")));
            return new TlsReportCounter
            {
                PeriodStartUtc = period,
                PolicyDomain = Limit(o.Policy.Domain.ToLowerInvariant(), 253),
                PolicyType = o.Policy.Type,
                PolicyStrings = Limit(strings, 65_536),
                PolicyMxHosts = Limit(mx, 8192),
                PolicyHash = hash,
                ResultType = o.ResultType,
                // Successes are only summed (RFC 8460 §4.4 summary): no per-host detail, fewer rows.
                ReceivingMxHost = o.IsSuccess ? "" : Limit(o.ReceivingMxHost.ToLowerInvariant(), 253),
                ReceivingIp = o.IsSuccess ? "" : o.ReceivingIp,
                SendingIp = o.IsSuccess ? "" : o.SendingIp,
                FailureReason = o.IsSuccess ? "" : Limit(o.FailureReason, 200),
            };
        }

        public static TlsReportCounter Copy(TlsReportCounter k) => new()
        {
            PeriodStartUtc = k.PeriodStartUtc,
            PolicyDomain = k.PolicyDomain,
            PolicyType = k.PolicyType,
            PolicyStrings = k.PolicyStrings,
            PolicyMxHosts = k.PolicyMxHosts,
            PolicyHash = k.PolicyHash,
            ResultType = k.ResultType,
            ReceivingMxHost = k.ReceivingMxHost,
            ReceivingIp = k.ReceivingIp,
            SendingIp = k.SendingIp,
            FailureReason = k.FailureReason,
        };

        private static string Limit(string s, int max) => s.Length <= max ? s : s[..max];
    }
}
