namespace MailHost.Admin.Web.Backend;

/// <summary>A queued message as the console lists it.</summary>
public sealed record QueueItem(string Id, DateTime CreatedUtc, string Sender, string Recipients, long Size, int Attempts, DateTime? NextAttemptUtc, string LastResult, bool Held);

/// <summary>One recipient's delivery state.</summary>
public sealed record QueueRecipientState(string Address, string State, int Attempts, DateTime NextAttemptUtc, string LastResult);

/// <summary>What the queue page shows for one message.</summary>
public sealed record QueueDetails(QueueItem Item, string HeloName, string RemoteAddress, string? AuthenticatedUser, string? TlsVersion, string MessageIdHeader,
    IReadOnlyList<QueueRecipientState> Recipients, string Headers);

/// <summary>The spool, for the queue page and the dashboard.</summary>
public interface IQueueAdmin
{
    int Count();

    Task<IReadOnlyList<QueueItem>> ListAsync(CancellationToken cancellationToken);

    Task DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Makes every pending recipient due now.</summary>
    Task RetryNowAsync(string id, CancellationToken cancellationToken);

    /// <summary>Envelope and header section of one message; null when it left the queue.</summary>
    Task<QueueDetails?> DetailsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sets or clears the hold flag; a held message is not attempted until released.</summary>
    Task SetHeldAsync(string id, bool held, CancellationToken cancellationToken);
}
