using MailHost.Admin.Web.Backend;
using MailHost.Server.Queue;

namespace MailHost.Server.AdminConsole;

/// <summary>The spool as the queue page sees it.</summary>
public sealed class ConsoleQueueAdmin(MessageSpool spool) : IQueueAdmin
{
    public int Count() => spool.ListIds().Count();

    public async Task<IReadOnlyList<QueueItem>> ListAsync(CancellationToken cancellationToken)
    {
        var messages = await spool.ListAsync(cancellationToken);
        return [.. messages.Select(ToItem)];
    }

    private static QueueItem ToItem(QueuedMessage m)
    {
        {
            var pending = m.Recipients.Where(r => r.State == RecipientState.Pending).ToList();
            return new QueueItem(
                m.Id,
                m.CreatedUtc,
                m.Sender,
                string.Join(", ", m.Recipients.Select(r => r.Address)),
                m.Size,
                m.Recipients.Count == 0 ? 0 : m.Recipients.Max(r => r.Attempts),
                pending.Count == 0 ? null : pending.Min(r => r.NextAttemptUtc),
                string.Join("; ", m.Recipients.Select(r => r.LastResult).Where(r => r.Length > 0).Distinct()),
                m.Held);
        }
    }

    public async Task RetryNowAsync(string id, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is { } message)
        {
            foreach (var r in message.Recipients.Where(r => r.State == RecipientState.Pending))
            {
                r.NextAttemptUtc = DateTime.UtcNow;
            }
            message.Held = false;
            await spool.WriteEnvelopeAsync(message, cancellationToken);
        }
    }

    public async Task<QueueDetails?> DetailsAsync(string id, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is not { } m)
        {
            return null;
        }
        return new QueueDetails(ToItem(m), m.HeloName, m.RemoteAddress, m.AuthenticatedUser, m.TlsVersion, m.MessageIdHeader,
            [.. m.Recipients.Select(r => new QueueRecipientState(r.Address, r.State.ToString(), r.Attempts, r.NextAttemptUtc, r.LastResult))],
            await ReadHeadersAsync(spool.ContentPath(id), cancellationToken));
    }

    // The header section only (up to the first empty line, at most 32 KB): enough to see what the message is without loading it.
    private static async Task<string> ReadHeadersAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(path);
            var buffer = new byte[32 * 1024];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return end >= 0 ? text[..end] : text;
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (spool.ListIds().Contains(id, StringComparer.Ordinal))
        {
            spool.Remove(id);
        }
        return Task.CompletedTask;
    }

    public async Task SetHeldAsync(string id, bool held, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is { } message)
        {
            message.Held = held;
            await spool.WriteEnvelopeAsync(message, cancellationToken);
        }
    }
}
