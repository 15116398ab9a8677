using MailHost.Server.Hosting;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Logging;

/// <summary>
/// Enforces ServerSettings.LogRetentionDays and LogRetentionMegabytes on logs.db: rows older than the
/// age limit go first, then the oldest rows until the used pages fit the size limit; freed pages are
/// returned to the file system (incremental vacuum, WAL truncated). Survives every I/O error.
/// </summary>
public sealed class LogRetentionJob(
    IDbContextFactory<MailHostDbContext> settingsFactory,
    IDbContextFactory<LogsDbContext> logsFactory,
    IOptions<MailHostOptions> options,
    TimeProvider time,
    ILogger<LogRetentionJob> logger) : BackgroundService
{
    // Disk full, a locked file, a corrupt page: retention tries again next interval, the server runs on.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.LogRetentionIntervalSeconds)), time, passAtStart: true,
            RunOnceAsync, ex => LogRetentionMessages.Failed(logger, ex), stoppingToken);

    /// <summary>One pass; returns the rows deleted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        int days, megabytes;
        await using (var settings = await settingsFactory.CreateDbContextAsync(cancellationToken))
        {
            var s = await settings.ServerSettings.AsNoTracking().OrderBy(s => s.Id).FirstOrDefaultAsync(cancellationToken);
            (days, megabytes) = (s?.LogRetentionDays ?? 30, s?.LogRetentionMegabytes ?? 1024);
        }
        await using var db = await logsFactory.CreateDbContextAsync(cancellationToken);
        var deleted = 0;
        if (days > 0)
        {
            var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-days);
            deleted += await db.DeliveryLog.Where(e => e.TimeUtc < cutoff).ExecuteDeleteAsync(cancellationToken);
            deleted += await db.TlsLog.Where(e => e.TimeUtc < cutoff).ExecuteDeleteAsync(cancellationToken);
            deleted += await db.MailAuthResults.Where(e => e.TimeUtc < cutoff).ExecuteDeleteAsync(cancellationToken);
            deleted += await db.HourBuckets.Where(e => e.HourUtc < cutoff.AddHours(-1)).ExecuteDeleteAsync(cancellationToken);
        }
        // The size limit measures SQLite pages; a shared PostgreSQL database is sized by its admin.
        if (megabytes > 0 && db.Database.IsSqlite())
        {
            var limit = megabytes * 1024L * 1024;
            // A few rounds: each deletes the oldest share of rows that should bring the used pages to 90 % of the limit.
            for (var round = 0; round < 8; round++)
            {
                var used = await UsedBytesAsync(db, cancellationToken);
                if (used <= limit)
                {
                    break;
                }
                var share = Math.Clamp(1 - (0.9 * limit / used), 0.01, 1);
                deleted += await DeleteOldestAsync(db, share, cancellationToken);
            }
        }
        if (deleted > 0 && db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA incremental_vacuum;", cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        }
        if (deleted > 0)
        {
            LogRetentionMessages.Trimmed(logger, deleted, days, megabytes);
        }
        return deleted;
    }

    private static async Task<long> UsedBytesAsync(LogsDbContext db, CancellationToken cancellationToken)
    {
        var pages = (await db.Database.SqlQueryRaw<long>("SELECT page_count AS Value FROM pragma_page_count()").ToListAsync(cancellationToken)).Single();
        var free = (await db.Database.SqlQueryRaw<long>("SELECT freelist_count AS Value FROM pragma_freelist_count()").ToListAsync(cancellationToken)).Single();
        var size = (await db.Database.SqlQueryRaw<long>("SELECT page_size AS Value FROM pragma_page_size()").ToListAsync(cancellationToken)).Single();
        return (pages - free) * size;
    }

    private static async Task<int> DeleteOldestAsync(LogsDbContext db, double share, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var deliveries = await db.DeliveryLog.LongCountAsync(cancellationToken);
        if (deliveries > 0)
        {
            var below = await db.DeliveryLog.OrderBy(e => e.Id).Skip((int)Math.Min(int.MaxValue, Math.Ceiling(deliveries * share)) - 1).Select(e => e.Id).FirstAsync(cancellationToken);
            deleted += await db.DeliveryLog.Where(e => e.Id <= below).ExecuteDeleteAsync(cancellationToken);
        }
        var connections = await db.TlsLog.LongCountAsync(cancellationToken);
        if (connections > 0)
        {
            var below = await db.TlsLog.OrderBy(e => e.Id).Skip((int)Math.Min(int.MaxValue, Math.Ceiling(connections * share)) - 1).Select(e => e.Id).FirstAsync(cancellationToken);
            deleted += await db.TlsLog.Where(e => e.Id <= below).ExecuteDeleteAsync(cancellationToken);
        }
        var verdicts = await db.MailAuthResults.LongCountAsync(cancellationToken);
        if (verdicts > 0)
        {
            var below = await db.MailAuthResults.OrderBy(e => e.Id).Skip((int)Math.Min(int.MaxValue, Math.Ceiling(verdicts * share)) - 1).Select(e => e.Id).FirstAsync(cancellationToken);
            deleted += await db.MailAuthResults.Where(e => e.Id <= below).ExecuteDeleteAsync(cancellationToken);
        }
        return deleted;
    }
}

internal static partial class LogRetentionMessages
{
    [LoggerMessage(5010, LogLevel.Information, "Log retention deleted {Count} rows (limits: {Days} days, {Megabytes} MB)", EventName = "LogRetentionTrimmed")]
    public static partial void Trimmed(ILogger logger, int count, int days, int megabytes);

    [LoggerMessage(5011, LogLevel.Error, "Log retention failed; retrying at the next interval", EventName = "LogRetentionFailed")]
    public static partial void Failed(ILogger logger, Exception exception);
}
