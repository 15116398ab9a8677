namespace MailHost.Admin.Web.Backend;

/// <summary>A queued message as the console lists it.</summary>
public sealed record QueueItem(string Id, DateTime CreatedUtc, string Sender, string Recipients, long Size, int Attempts, DateTime? NextAttemptUtc, string LastResult, bool Held);

/// <summary>The spool, for the queue page and the dashboard.</summary>
public interface IQueueAdmin
{
    int Count();

    Task<IReadOnlyList<QueueItem>> ListAsync(CancellationToken cancellationToken);

    Task DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sets or clears the hold flag; a held message is not attempted until released.</summary>
    Task SetHeldAsync(string id, bool held, CancellationToken cancellationToken);
}
