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
        return [.. messages.Select(m =>
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
        })];
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
