namespace MailHost.Admin.Web.Backend;

/// <summary>A queued message as the console lists it.</summary>
public sealed record QueueItem(string Id, DateTime CreatedUtc, string Sender, string Recipients, long Size, int Attempts, DateTime? NextAttemptUtc, string LastResult, bool Held)
{
    /// <summary>held (not attempted until released), deferred (tried and failed at least once) or queued (not tried yet).</summary>
    public string State => QueueFilter.StateOf(Held, Attempts);
}

/// <summary>One recipient's delivery state.</summary>
public sealed record QueueRecipientState(string Address, string State, int Attempts, DateTime NextAttemptUtc, string LastResult);

/// <summary>What the queue page shows for one message.</summary>
public sealed record QueueDetails(QueueItem Item, string HeloName, string RemoteAddress, string? AuthenticatedUser, string? TlsVersion, string MessageIdHeader,
    IReadOnlyList<QueueRecipientState> Recipients, string Headers);

/// <summary>
/// The spool, for the queue page and the dashboard. Every action names its actor and is written to the
/// audit log, as the CLI's `mailhost queue` verbs are.
/// </summary>
public interface IQueueAdmin
{
    int Count();

    Task<IReadOnlyList<QueueItem>> ListAsync(CancellationToken cancellationToken);

    Task DeleteAsync(string actor, string id, CancellationToken cancellationToken);

    /// <summary>Makes every pending recipient due now (and releases a held message).</summary>
    Task RetryNowAsync(string actor, string id, CancellationToken cancellationToken);

    /// <summary>Envelope and header section of one message; null when it left the queue.</summary>
    Task<QueueDetails?> DetailsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Sets or clears the hold flag; a held message is not attempted until released.</summary>
    Task SetHeldAsync(string actor, string id, bool held, CancellationToken cancellationToken);

    /// <summary>Flush: the messages matching the filter that are not held become due now. Returns how many.</summary>
    Task<int> FlushAsync(string actor, QueueFilter filter, CancellationToken cancellationToken);

    /// <summary>Retry all: like flush, and held messages matching the filter are released too.</summary>
    Task<int> RetryAllAsync(string actor, QueueFilter filter, CancellationToken cancellationToken);

    /// <summary>Deletes the deferred messages matching the filter (no bounce). Returns how many.</summary>
    Task<int> DeleteDeferredAsync(string actor, QueueFilter filter, CancellationToken cancellationToken);
}
