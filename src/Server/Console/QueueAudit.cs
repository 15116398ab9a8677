using MailHost.Shared.Data;
using MailHost.Shared.Entities;

namespace MailHost.Server.AdminConsole;

/// <summary>Writes a queue action to the admin audit log: the console and the CLI record the same rows.</summary>
public static class QueueAudit
{
    private const int MaxIds = 50;

    public static async Task WriteAsync(MailHostDbContext db, string actor, string action, IReadOnlyCollection<string> ids, string detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ids);
        var shown = string.Join(", ", ids.Take(MaxIds)) + (ids.Count > MaxIds ? $" … ({ids.Count} in all)" : "");
        db.AuditLog.Add(new AdminAuditEntry
        {
            TimeUtc = DateTime.UtcNow,
            Actor = actor,
            Action = action,
            Entity = "Queue",
            OldValue = detail,
            NewValue = shown,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
