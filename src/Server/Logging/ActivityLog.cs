using System.Threading.Channels;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Logging;

/// <summary>
/// Delivery and TLS connection records: queued in memory by sessions (never blocking them), written to
/// settings.db in batches, and announced to live console pages after each batch.
/// </summary>
public sealed class ActivityLog(IDbContextFactory<MailHostDbContext> dbFactory, ILogger<ActivityLog> logger) : BackgroundService
{
    private readonly Channel<object> _pending = Channel.CreateBounded<object>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>Raised after a batch is committed, so live pages can refresh.</summary>
    public event Action? Written;

    public void Add(DeliveryLogEntry entry) => _pending.Writer.TryWrite(Escaped(entry));

    public void Add(TlsLogEntry entry) => _pending.Writer.TryWrite(Escaped(entry));

    // Sender, recipient, reason and user names come from clients: no control character reaches the log store raw.
    private static DeliveryLogEntry Escaped(DeliveryLogEntry e)
    {
        (e.MessageId, e.Sender, e.Recipient, e.Reason, e.RemoteHost) = (LogText.Escape(e.MessageId), LogText.Escape(e.Sender), LogText.Escape(e.Recipient), LogText.Escape(e.Reason), LogText.Escape(e.RemoteHost));
        return e;
    }

    private static TlsLogEntry Escaped(TlsLogEntry e)
    {
        (e.Sni, e.AuthMechanism, e.AuthUser, e.AuthResult) = (LogText.Escape(e.Sni), LogText.Escape(e.AuthMechanism), LogText.Escape(e.AuthUser), LogText.Escape(e.AuthResult));
        return e;
    }

    /// <summary>Waits until everything added so far is committed (tests and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_pending.Reader.Count > 0 || Volatile.Read(ref _writing) != 0)
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
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                Interlocked.Exchange(ref _writing, 1);
                while (batch.Count < 1000 && _pending.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                await WriteAsync(batch, CancellationToken.None);
                batch.Clear();
                Interlocked.Exchange(ref _writing, 0);
                // Batch for up to 200 ms so a busy server writes a few transactions a second, not one per message.
                await Task.Delay(200, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            while (_pending.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            await WriteAsync(batch, CancellationToken.None);
        }
    }

    private async Task WriteAsync(List<object> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.AddRange(batch);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
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
