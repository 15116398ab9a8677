using MailHost.Admin.Web.Backend;
using MailHost.Server.Queue;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.AdminConsole;

/// <summary>The spool as the queue page sees it; every action is written to the audit log.</summary>
public sealed class ConsoleQueueAdmin(MessageSpool spool, IDbContextFactory<MailHostDbContext> dbFactory, TimeProvider clock) : IQueueAdmin
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

    public async Task RetryNowAsync(string actor, string id, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is { } message)
        {
            await DueNowAsync(message, release: true, cancellationToken);
            await AuditAsync(actor, "queue retry", [id], "", cancellationToken);
        }
    }

    private async Task DueNowAsync(QueuedMessage message, bool release, CancellationToken cancellationToken)
    {
        foreach (var r in message.Recipients.Where(r => r.State == RecipientState.Pending))
        {
            r.NextAttemptUtc = clock.GetUtcNow().UtcDateTime;
        }
        if (release)
        {
            message.Held = false;
        }
        await spool.WriteEnvelopeAsync(message, cancellationToken);
    }

    private async Task<List<QueuedMessage>> MatchingAsync(QueueFilter filter, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return [.. (await spool.ListAsync(cancellationToken)).Where(m => filter.Matches(m.Held, Attempts(m), m.CreatedUtc, m.Recipients.Select(r => r.Address), now))];
    }

    private static int Attempts(QueuedMessage m) => m.Recipients.Count == 0 ? 0 : m.Recipients.Max(r => r.Attempts);

    public async Task<int> FlushAsync(string actor, QueueFilter filter, CancellationToken cancellationToken)
    {
        var messages = (await MatchingAsync(filter, cancellationToken)).Where(m => !m.Held).ToList();
        foreach (var m in messages)
        {
            await DueNowAsync(m, release: false, cancellationToken);
        }
        await AuditAsync(actor, "queue flush", [.. messages.Select(m => m.Id)], filter.ToString(), cancellationToken);
        return messages.Count;
    }

    public async Task<int> RetryAllAsync(string actor, QueueFilter filter, CancellationToken cancellationToken)
    {
        var messages = await MatchingAsync(filter, cancellationToken);
        foreach (var m in messages)
        {
            await DueNowAsync(m, release: true, cancellationToken);
        }
        await AuditAsync(actor, "queue retry all", [.. messages.Select(m => m.Id)], filter.ToString(), cancellationToken);
        return messages.Count;
    }

    public async Task<int> DeleteDeferredAsync(string actor, QueueFilter filter, CancellationToken cancellationToken)
    {
        var messages = (await MatchingAsync(filter, cancellationToken)).Where(m => QueueFilter.StateOf(m.Held, Attempts(m)) == "deferred").ToList();
        foreach (var m in messages)
        {
            spool.Remove(m.Id);
        }
        await AuditAsync(actor, "queue delete deferred", [.. messages.Select(m => m.Id)], filter.ToString(), cancellationToken);
        return messages.Count;
    }

    private async Task AuditAsync(string actor, string action, IReadOnlyCollection<string> ids, string detail, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await QueueAudit.WriteAsync(db, "console:" + actor, action, ids, detail, cancellationToken);
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

    public async Task DeleteAsync(string actor, string id, CancellationToken cancellationToken)
    {
        if (spool.ListIds().Contains(id, StringComparer.Ordinal))
        {
            spool.Remove(id);
            await AuditAsync(actor, "queue delete", [id], "", cancellationToken);
        }
    }

    public async Task SetHeldAsync(string actor, string id, bool held, CancellationToken cancellationToken)
    {
        if (await spool.ReadAsync(id, cancellationToken) is { } message)
        {
            message.Held = held;
            await spool.WriteEnvelopeAsync(message, cancellationToken);
            await AuditAsync(actor, held ? "queue hold" : "queue release", [id], "", cancellationToken);
        }
    }
}
