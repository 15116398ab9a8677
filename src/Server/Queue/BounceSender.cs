using MailHost.Server.Settings;

namespace MailHost.Server.Queue;

/// <summary>
/// Queues DSNs as new messages from the null sender (RFC 5321 §4.5.5), so they can never bounce back.
/// Honours NOTIFY (RFC 3461 §4.1): NEVER suppresses the DSN; a NOTIFY list without FAILURE/DELAY suppresses that kind.
/// </summary>
public sealed class BounceSender(MessageSpool spool, SettingsSnapshotProvider settings, TimeProvider time)
{
    public static bool Wants(string? notify, string action)
    {
        if (string.IsNullOrEmpty(notify))
        {
            // No NOTIFY: failures are reported, delays are not (we send no delay warnings by default).
            return action == "failed";
        }
        var words = notify.ToUpperInvariant().Split(',', StringSplitOptions.TrimEntries);
        return !words.Contains("NEVER") && words.Contains(action == "failed" ? "FAILURE" : "DELAY");
    }

    /// <summary>Queues one DSN for the recipients that want it; returns its id, or null when none is owed.</summary>
    public async Task<string?> SendAsync(QueuedMessage original, IReadOnlyList<(QueuedRecipient Recipient, DsnRecipient Report)> failures, byte[] originalContent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(failures);
        // RFC 3464 §1 / RFC 5321 §4.5.5: never a DSN for a message with the null sender.
        if (string.IsNullOrEmpty(original.Sender))
        {
            return null;
        }
        var owed = failures.Where(f => Wants(f.Recipient.Notify, f.Report.Action)).Select(f => f.Report).ToList();
        if (owed.Count == 0)
        {
            return null;
        }
        var snapshot = settings.Current;
        var now = time.GetUtcNow().UtcDateTime;
        var bytes = DsnBuilder.Build(snapshot.Server.Hostname, original, owed, originalContent, now);
        var id = MessageSpool.NewId();
        var path = await spool.WriteAsync(id, bytes, cancellationToken);
        var at = original.Sender.LastIndexOf('@');
        var domain = at < 0 ? "" : original.Sender[(at + 1)..];
        var bounce = new QueuedMessage
        {
            Id = id,
            CreatedUtc = now,
            Sender = "",
            Size = bytes.Length,
            HeloName = snapshot.Server.Hostname,
            RemoteAddress = "127.0.0.1",
            MessageIdHeader = "",
            Recipients =
            [
                new QueuedRecipient
                {
                    Address = original.Sender,
                    IsLocal = snapshot.IsLocalDomain(domain),
                    State = RecipientState.Pending,
                    NextAttemptUtc = now,
                },
            ],
        };
        await spool.EnqueueAsync(bounce, path, cancellationToken);
        return id;
    }
}
