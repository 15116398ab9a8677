namespace MailHost.Server.Storage;

/// <summary>
/// Puts a message into a local account's INBOX. Must be idempotent per <paramref name="deliveryId"/>
/// (queue id + recipient): the queue may call again after a crash between delivery and its own update.
/// </summary>
public interface IMailboxDelivery
{
    /// <param name="mailbox">A mailbox other than INBOX (e.g. Junk); INBOX when null or when the account has no such mailbox.</param>
    Task<LocalDeliveryResult> DeliverAsync(string account, string? mailbox, string deliveryId, string contentPath, CancellationToken cancellationToken);
}

public enum LocalDeliveryOutcome
{
    Delivered,
    AlreadyDelivered,
    OverQuota,
    NoSuchMailbox,
}

public sealed record LocalDeliveryResult(LocalDeliveryOutcome Outcome, string Detail);
