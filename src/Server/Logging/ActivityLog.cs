using MailHost.Server.Hosting;
using MailHost.Shared.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Logging;

/// <summary>
/// Delivery and TLS connection records: queued in memory by sessions (never blocking them), written to
/// logs.db in batches with their hourly counters, and announced to live console pages after each batch.
/// </summary>
public sealed class ActivityLog(IDbContextFactory<LogsDbContext> dbFactory, IOptions<MailHostOptions> options, ILogger<ActivityLog> logger) : BackgroundService
{
    private const int BatchSize = 2000;
    private readonly LogWriteQueue _pending = new(options.Value.ActivityLogCapacity);
    private long _writeFailures;

    /// <summary>Raised after a batch is committed, so live pages can refresh.</summary>
    public event Action? Written;

    /// <summary>Routine records dropped because the writer fell behind.</summary>
    public long DroppedRoutine => _pending.DroppedRoutine;

    /// <summary>Admin-relevant records dropped (only once the queue holds nothing else).</summary>
    public long DroppedImportant => _pending.DroppedImportant;

    /// <summary>Records lost because a batch could not be written (disk full, database locked).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    public void Add(DeliveryLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _pending.TryAdd(Escaped(entry), entry.Result is "refused" or "bounced" or "failed");
    }

    public void Add(TlsLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var important = entry.AuthResult is "failure" or "failed"
            || entry.Handshake is TlsHandshakeStates.Failed or TlsHandshakeStates.StartTlsFailed;
        _pending.TryAdd(Escaped(entry), important);
    }

    /// <summary>A sender-authentication verdict; failures and refusals are admin-relevant.</summary>
    public void Add(MailAuthResultEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _pending.TryAdd(Escaped(entry), entry.Disposition != MailAuthDispositions.Delivered || entry.Dmarc == "fail");
    }

    private static MailAuthResultEntry Escaped(MailAuthResultEntry e)
    {
        (e.MessageId, e.Helo, e.MailFromDomain, e.FromDomain, e.Dkim, e.Policy, e.RejectReason) =
            (LogText.Escape(e.MessageId), LogText.Escape(e.Helo), LogText.Escape(e.MailFromDomain), LogText.Escape(e.FromDomain), LogText.Escape(e.Dkim), LogText.Escape(e.Policy), LogText.Escape(e.RejectReason));
        return e;
    }

    // Sender, recipient, reason and user names come from clients: no control character reaches the log store raw.
    private static DeliveryLogEntry Escaped(DeliveryLogEntry e)
    {
        (e.MessageId, e.Sender, e.Recipient, e.Reason, e.RemoteHost, e.AuthUser, e.Detail) =
            (LogText.Escape(e.MessageId), LogText.Escape(e.Sender), LogText.Escape(e.Recipient), LogText.Escape(e.Reason), LogText.Escape(e.RemoteHost), LogText.Escape(e.AuthUser), LogText.Escape(e.Detail));
        return e;
    }

    private static TlsLogEntry Escaped(TlsLogEntry e)
    {
        (e.Sni, e.AuthMechanism, e.AuthUser, e.AuthResult, e.Failure) =
            (LogText.Escape(e.Sni), LogText.Escape(e.AuthMechanism), LogText.Escape(e.AuthUser), LogText.Escape(e.AuthResult), LogText.Escape(e.Failure));
        return e;
    }

    /// <summary>Waits until everything added so far is committed (tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_pending.Count > 0 || Volatile.Read(ref _writing) != 0)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private int _writing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<object>();
        try
        {
            while (true)
            {
                await _pending.WaitAsync(stoppingToken);
                // Gather for up to 200 ms so a busy server writes a few transactions a second, not one per message.
                await Task.Delay(200, stoppingToken);
                Interlocked.Exchange(ref _writing, 1);
                while (_pending.TakeBatch(batch, BatchSize) > 0)
                {
                    await WriteAsync(batch, CancellationToken.None);
                    batch.Clear();
                }
                Interlocked.Exchange(ref _writing, 0);
            }
        }
        catch (OperationCanceledException)
        {
            while (_pending.TakeBatch(batch, BatchSize) > 0)
            {
                await WriteAsync(batch, CancellationToken.None);
                batch.Clear();
            }
            Interlocked.Exchange(ref _writing, 0);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _pending.Dispose();
    }

    private async Task WriteAsync(List<object> batch, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.AddRange(batch);
            await LogHourCounters.AddAsync(db, batch, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or SqliteException or IOException)
        {
            // The writer outlives a full disk or a locked file: the batch is lost (and counted), the next one is tried.
            Interlocked.Add(ref _writeFailures, batch.Count);
            ActivityLogMessages.WriteFailed(logger, batch.Count, ex);
        }
        Written?.Invoke();
    }
}

internal static partial class ActivityLogMessages
{
    [LoggerMessage(5001, LogLevel.Error, "Writing {Count} log records failed", EventName = "ActivityWriteFailed")]
    public static partial void WriteFailed(ILogger logger, int count, Exception exception);
}
