using System.Collections.Concurrent;
using System.Threading.Channels;
using MailHost.Server.Delivery;
using MailHost.Server.Dkim;
using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Server.Settings;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Queue;

/// <summary>
/// Delivers the non-local recipients of spooled messages. Work comes from a watch on the queue folder
/// (new envelopes, envelopes rewritten by the CLI) and a periodic scan (retry times, restarts).
/// Recipients are grouped per destination domain, with a connection limit per destination. The envelope
/// is re-read under <see cref="SpoolLocks"/> and rewritten only after the remote side answered, so a
/// crash at any point leaves the recipient pending (at worst delivered twice, never lost).
/// </summary>
public sealed class RemoteDeliveryWorker(
    MessageSpool spool,
    SettingsSnapshotProvider settings,
    SmtpDeliveryAttempt attempt,
    DkimMessageSigner signer,
    BounceSender bounces,
    ActivityLog activity,
    IOptions<DeliveryOptions> deliveryOptions,
    IOptions<MailHostOptions> hostOptions,
    TimeProvider time,
    ILogger<RemoteDeliveryWorker> logger) : BackgroundService
{
    private readonly Channel<string> _work = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _again = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _destinations = new(StringComparer.OrdinalIgnoreCase);
    private readonly DeliveryOptions _options = deliveryOptions.Value;

    /// <summary>Asks for a message to be looked at now (tests, CLI in-process).</summary>
    public void Nudge(string messageId) => _work.Writer.TryWrite(messageId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (hostOptions.Value.PauseDelivery)
        {
            return;
        }
        using var watcher = new FileSystemWatcher(Path.Combine(hostOptions.Value.FullDataDir, "queue"), "*.json")
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite,
        };
        // Envelopes are written to .tmp and renamed into place, so a rename is the signal.
        watcher.Renamed += (_, e) => Nudge(Path.GetFileNameWithoutExtension(e.Name ?? ""));
        watcher.Created += (_, e) => Nudge(Path.GetFileNameWithoutExtension(e.Name ?? ""));
        watcher.EnableRaisingEvents = true;

        var workers = Enumerable.Range(0, Math.Max(1, _options.MaxConcurrentDeliveries)).Select(_ => ConsumeAsync(stoppingToken)).ToList();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    foreach (var id in spool.ListIds())
                    {
                        Nudge(id);
                    }
                }
                catch (IOException ex)
                {
                    DeliveryLog.ScanFailed(logger, ex);
                }
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, _options.QueueScanSeconds)), time, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        _work.Writer.TryComplete();
        await Task.WhenAll(workers);
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var id in _work.Reader.ReadAllAsync(stoppingToken))
            {
                if (id.Length == 0 || id.EndsWith(".json", StringComparison.Ordinal))
                {
                    continue;
                }
                if (!_inFlight.TryAdd(id, 0))
                {
                    // Being worked on: look again when that run ends (its envelope may have changed meanwhile).
                    _again[id] = 0;
                    continue;
                }
                try
                {
                    await ProcessAsync(id, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    DeliveryLog.ProcessingFailed(logger, id, ex);
                }
                finally
                {
                    _inFlight.TryRemove(id, out _);
                    if (_again.TryRemove(id, out _))
                    {
                        Nudge(id);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass over one message: deliver its due remote recipients, then record the results.</summary>
    public async Task ProcessAsync(string id, CancellationToken cancellationToken)
    {
        var envelope = await spool.ReadAsync(id, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (envelope is null || envelope.Held)
        {
            return;
        }
        var due = envelope.Recipients.Where(r => !r.IsLocal && r.State == RecipientState.Pending && r.NextAttemptUtc <= now).ToList();
        if (due.Count == 0)
        {
            return;
        }
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(spool.ContentPath(id), cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return;
        }
        var snapshot = settings.Current;
        var signed = signer.Sign(snapshot, content, envelope.Sender);
        var message = new OutboundMessage(envelope, signed, content.Any(b => b > 127));
        var senderDomain = DomainOf(envelope.Sender);
        var groups = due.GroupBy(r => DomainOf(r.Address), StringComparer.OrdinalIgnoreCase);
        var results = await Task.WhenAll(groups.Select(async g =>
        {
            var route = OutboundRoute.Find(snapshot, senderDomain, g.Key, _options.OutboundSmtpPort);
            var gate = _destinations.GetOrAdd(route.SmartHost ?? g.Key, _ => new SemaphoreSlim(Math.Max(1, _options.MaxConnectionsPerDestination)));
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await attempt.RunAsync(snapshot, message, route, g.Key, [.. g.Select(r => r.Address)], cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug or an odd input must cost a retry, not spin on the message at every scan.
                DeliveryLog.ProcessingFailed(logger, id, ex);
                return (IReadOnlyList<RecipientOutcome>)[.. g.Select(r => new RecipientOutcome(r.Address, DeliveryStatus.Deferred, $"451 4.3.0 internal error: {ex.Message}", ConnectionFacts.None))];
            }
            finally
            {
                gate.Release();
            }
        }));
        await RecordAsync(id, [.. results.SelectMany(r => r)], content, cancellationToken);
    }

    private async Task RecordAsync(string id, IReadOnlyList<RecipientOutcome> outcomes, byte[] content, CancellationToken cancellationToken)
    {
        // The remote side has answered: record it even if shutdown has begun, or a delivered recipient would be sent again.
        var token = CancellationToken.None;
        using (await SpoolLocks.AcquireAsync(id, token))
        {
            var envelope = await spool.ReadAsync(id, token);
            if (envelope is null)
            {
                return;
            }
            var snapshot = settings.Current;
            var now = time.GetUtcNow().UtcDateTime;
            var reports = new List<(QueuedRecipient, DsnRecipient)>();
            foreach (var outcome in outcomes)
            {
                var r = envelope.Recipients.FirstOrDefault(x => !x.IsLocal && x.State == RecipientState.Pending && string.Equals(x.Address, outcome.Address, StringComparison.OrdinalIgnoreCase));
                if (r is null)
                {
                    continue;
                }
                r.Attempts++;
                r.LastResult = outcome.Reply;
                var status = outcome.Status;
                var reply = outcome.Reply;
                if (status == DeliveryStatus.Deferred && RetryScheduleCalculator.IsExpired(envelope.CreatedUtc, now, snapshot.Server.GiveUpAfter))
                {
                    status = DeliveryStatus.Failed;
                    reply = $"{reply} (gave up after {snapshot.Server.GiveUpAfter.TotalHours:0} hours)";
                    r.LastResult = reply;
                }
                string result;
                switch (status)
                {
                    case DeliveryStatus.Delivered:
                        r.State = RecipientState.Delivered;
                        result = "delivered";
                        break;
                    case DeliveryStatus.Failed:
                        r.State = RecipientState.Failed;
                        result = "bounced";
                        reports.Add((r, new DsnRecipient(r.Address, r.OriginalRecipient, "failed", reply, HostName(outcome.Connection.RemoteHost), now)));
                        break;
                    default:
                        r.NextAttemptUtc = now + RetryScheduleCalculator.DelayAfter(r.Attempts, snapshot.Server.RetrySchedule);
                        result = "deferred";
                        reply = $"{reply}; next attempt {r.NextAttemptUtc:u}";
                        break;
                }
                var facts = outcome.Connection;
                activity.Add(new DeliveryLogEntry
                {
                    TimeUtc = now,
                    QueueId = envelope.Id,
                    MessageId = envelope.MessageIdHeader,
                    TlsPolicy = facts.Policy.Length > 0 ? $"{facts.Policy}; {TlsPolicyName(snapshot, envelope, r.Address)}" : TlsPolicyName(snapshot, envelope, r.Address),
                    Sender = envelope.Sender,
                    Recipient = r.Address,
                    Size = envelope.Size,
                    Result = result,
                    Reason = facts.Certificate.Length > 0 ? $"{reply} [certificate {facts.Certificate}]" : reply,
                    RemoteHost = facts.RemoteHost,
                    TlsVersion = facts.TlsVersion,
                    Cipher = facts.Cipher,
                });
                DeliveryLog.Attempt(logger, envelope.Id, r.Address, result, facts.RemoteHost, facts.TlsVersion, reply);
            }
            if (reports.Count > 0)
            {
                // Queued before the envelope is rewritten: a crash in between repeats the DSN rather than losing it.
                var bounceId = await bounces.SendAsync(envelope, reports, content, token);
                if (bounceId is not null)
                {
                    DeliveryLog.BounceQueued(logger, envelope.Id, bounceId, envelope.Sender);
                    activity.Add(new DeliveryLogEntry
                    {
                        TimeUtc = now,
                        QueueId = envelope.Id,
                        MessageId = envelope.MessageIdHeader,
                        Sender = "",
                        Recipient = envelope.Sender,
                        Result = "dsn",
                        Reason = $"delivery status notification for {reports.Count} recipient(s) queued as {bounceId}",
                        Detail = bounceId,
                        RemoteHost = "local",
                    });
                }
            }
            if (envelope.Recipients.All(x => x.State != RecipientState.Pending))
            {
                spool.Remove(id);
                SpoolLocks.Forget(id);
            }
            else
            {
                await spool.WriteEnvelopeAsync(envelope, token);
            }
        }
    }

    private static string HostName(string remoteHost)
    {
        var space = remoteHost.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? remoteHost : remoteHost[..space];
    }

    /// <summary>The outbound TLS policy the delivery ran under: the route's level, or "verify" for REQUIRETLS.</summary>
    private string TlsPolicyName(MailHostSnapshot snapshot, QueuedMessage envelope, string recipient)
    {
        var route = OutboundRoute.Find(snapshot, DomainOf(envelope.Sender), DomainOf(recipient), _options.OutboundSmtpPort);
        var level = envelope.RequireTls ? OutboundTlsLevel.Verify : route.TlsLevel;
        return $"{level.ToString().ToLowerInvariant()} ({route.Name}{(envelope.RequireTls ? ", REQUIRETLS" : "")})";
    }

    private static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "" : address[(at + 1)..].Trim('>').ToLowerInvariant();
    }
}
