using MailHost.Server.Settings;

namespace MailHost.Server.Storage;

/// <summary>Local delivery into an account's INBOX through the store (idempotent by delivery id, quota enforced).</summary>
public sealed class MailboxDelivery(MailStore store, SettingsSnapshotProvider settings) : IMailboxDelivery
{
    /// <summary>Into INBOX.</summary>
    public Task<LocalDeliveryResult> DeliverAsync(string account, string deliveryId, string contentPath, CancellationToken cancellationToken) =>
        DeliverAsync(account, null, deliveryId, contentPath, cancellationToken);

    public async Task<LocalDeliveryResult> DeliverAsync(string account, string? mailbox, string deliveryId, string contentPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        account = account.ToLowerInvariant();
        if (!settings.Current.Accounts.ContainsKey(account))
        {
            return new LocalDeliveryResult(LocalDeliveryOutcome.NoSuchMailbox, $"no account {account}");
        }
        var inbox = (mailbox is null ? null : await store.GetMailboxAsync(account, mailbox, cancellationToken))
            ?? await store.GetMailboxAsync(account, MailStore.Inbox, cancellationToken)
            ?? throw new InvalidOperationException($"INBOX of {account} missing");
        await using var content = new FileStream(contentPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var result = await store.AppendAsync(inbox.Id, content, [], DateTimeOffset.UtcNow, deliveryId, cancellationToken);
        return result.Error switch
        {
            StoreError.None => new LocalDeliveryResult(LocalDeliveryOutcome.Delivered, $"delivered to {account} {inbox.Name} uid {result.Uid}"),
            StoreError.AlreadyExists => new LocalDeliveryResult(LocalDeliveryOutcome.AlreadyDelivered, $"already delivered to {account}"),
            StoreError.OverQuota => new LocalDeliveryResult(LocalDeliveryOutcome.OverQuota, $"mailbox of {account} is over quota"),
            _ => new LocalDeliveryResult(LocalDeliveryOutcome.NoSuchMailbox, $"no mailbox for {account}"),
        };
    }
}
