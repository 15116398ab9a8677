using System.Collections.Concurrent;
using MailHost.Server.Logging;
using MailHost.Server.Storage;

namespace MailHost.Server.Queue;

/// <summary>
/// Delivers the local recipients of spooled messages into their INBOX. Takes ids from the spool's
/// arrivals channel and from a scan of the spool at start-up and every few seconds (messages left
/// by a crash, or recipients a failed attempt left pending). Non-local recipients are left for the
/// outbound delivery worker; the message leaves the spool once every recipient is final.
/// </summary>
public sealed class LocalDeliveryWorker(
    MessageSpool spool,
    IMailboxDelivery delivery,
    BounceSender bounces,
    ActivityLog activity,
    MailAuth.Reports.DmarcReportIntake reports,
    DiskSpaceGuard disk,
    Microsoft.Extensions.Options.IOptions<Hosting.MailHostOptions> options,
    ILogger<LocalDeliveryWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, byte> _busy = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.PauseDelivery)
        {
            return;
        }
        var scanner = ScanLoopAsync(stoppingToken);
        try
        {
            await foreach (var id in spool.Arrivals.ReadAllAsync(stoppingToken))
            {
                await ProcessAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        await scanner;
    }

    private async Task ScanLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    foreach (var id in spool.ListIds().ToList())
                    {
                        await ProcessAsync(id, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // No I/O error may end the worker (or the process): the next scan retries.
                    StoreLog.WorkerError(logger, "(scan)", ex);
                }
                await Task.Delay(ScanInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Delivers the pending local recipients of one message; safe to call twice for the same id.</summary>
    public async Task ProcessAsync(string id, CancellationToken cancellationToken)
    {
        // Below the free-space reserve nothing is written: the message stays pending and the next scan (every 3 s) retries.
        if (disk.BelowReserve)
        {
            StoreLog.PausedForDiskSpace(logger, id, disk.FreeBytes, disk.ReserveBytes);
            return;
        }
        if (!_busy.TryAdd(id, 0))
        {
            return;
        }
        try
        {
            // The remote worker rewrites the same envelope: hold the message's lock and re-read under it.
            using var held = await SpoolLocks.AcquireAsync(id, cancellationToken);
            var message = await spool.ReadAsync(id, cancellationToken);
            if (message is null || message.Held)
            {
                return;
            }
            var pending = message.Recipients.Where(r => r.IsLocal && r.State == RecipientState.Pending && r.NextAttemptUtc <= DateTime.UtcNow).ToList();
            if (pending.Count == 0)
            {
                return;
            }
            var failures = new List<(QueuedRecipient, DsnRecipient)>();
            foreach (var recipient in pending)
            {
                await DeliverOneAsync(message, recipient, cancellationToken);
                if (recipient.State == RecipientState.Failed)
                {
                    failures.Add((recipient, new DsnRecipient(recipient.Address, recipient.OriginalRecipient, "failed", recipient.LastResult, "local", DateTime.UtcNow)));
                }
            }
            if (failures.Count > 0 && BouncePolicy.ShouldBounce(message))
            {
                // Queued before the envelope is rewritten: a crash in between repeats the DSN rather than losing it.
                var content = await File.ReadAllBytesAsync(spool.ContentPath(id), cancellationToken);
                await bounces.SendAsync(message, failures, BouncePolicy.ReturnedContent(message, content), cancellationToken);
            }
            if (message.Recipients.All(r => r.State != RecipientState.Pending))
            {
                spool.Remove(id);
                SpoolLocks.Forget(id);
            }
            else
            {
                await spool.WriteEnvelopeAsync(message, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A full disk (ENOSPC) or any other fault leaves the recipients pending for the next scan.
            disk.Invalidate();
            StoreLog.WorkerError(logger, id, ex);
        }
        finally
        {
            _busy.TryRemove(id, out _);
        }
    }

    private async Task DeliverOneAsync(QueuedMessage message, QueuedRecipient recipient, CancellationToken cancellationToken)
    {
        recipient.Attempts++;
        var result = await delivery.DeliverAsync(recipient.Address, message.Mailbox, $"{message.Id}:{recipient.Address.ToLowerInvariant()}", spool.ContentPath(message.Id), cancellationToken);
        recipient.LastResult = result.Detail;
        string logResult;
        switch (result.Outcome)
        {
            case LocalDeliveryOutcome.Delivered or LocalDeliveryOutcome.AlreadyDelivered:
                recipient.State = RecipientState.Delivered;
                logResult = "delivered";
                StoreLog.Delivered(logger, message.Id, recipient.Address, result.Detail);
                if (result.Outcome == LocalDeliveryOutcome.Delivered && (reports.IsReportAddress(recipient.Address) || recipient.OriginalRecipient is { } original && reports.IsReportAddress(original)))
                {
                    await ReadReportAsync(message.Id, cancellationToken);
                }
                break;
            default:
                // Over quota and unknown mailbox are permanent here: the SMTP side checked the account at RCPT time.
                recipient.State = RecipientState.Failed;
                logResult = "failed";
                StoreLog.DeliveryFailed(logger, message.Id, recipient.Address, result.Detail);
                break;
        }
        activity.Add(new DeliveryLogEntry
        {
            TimeUtc = DateTime.UtcNow,
            QueueId = message.Id,
            MessageId = message.MessageIdHeader,
            Sender = message.Sender,
            Recipient = recipient.Address,
            Size = message.Size,
            Result = logResult,
            Reason = result.Detail,
            RemoteHost = "local",
        });
    }

    /// <summary>The copy is in the mailbox already: a report that cannot be read or stored costs a log line, never the delivery.</summary>
    private async Task ReadReportAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await reports.IngestAsync(id, spool.ContentPath(id), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            StoreLog.WorkerError(logger, id, ex);
        }
    }
}
