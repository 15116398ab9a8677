using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

/// <summary>
/// Subscriptions that outlived their mailbox (RFC 9051 §6.3.7: a subscription is a name, not a
/// mailbox, and survives DELETE). Live mailboxes keep theirs in mailboxes.subscribed; this table,
/// created on first use so older mail.db files work unchanged, holds only names that no longer exist.
/// </summary>
public sealed partial class MailStore
{
    private volatile bool _orphanTableReady;

    private async Task EnsureOrphanTableAsync(CancellationToken cancellationToken)
    {
        if (_orphanTableReady)
        {
            return;
        }
        await InitializeAsync(cancellationToken);
        await _index.WriteAsync((c, tx) => ExecuteAsync(c, tx,
            "CREATE TABLE IF NOT EXISTS orphan_subscriptions(account TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(account, name))", cancellationToken), cancellationToken);
        _orphanTableReady = true;
    }

    /// <summary>Subscribed names that are not mailboxes (any more).</summary>
    public async Task<IReadOnlyList<string>> OrphanSubscriptionsAsync(string account, CancellationToken cancellationToken)
    {
        await EnsureOrphanTableAsync(cancellationToken);
        await using var c = await _index.OpenAsync(cancellationToken);
        await using var cmd = Command(c, null, "SELECT name FROM orphan_subscriptions WHERE account=$a ORDER BY name", ("$a", account.ToLowerInvariant()));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await r.ReadAsync(cancellationToken))
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    /// <summary>Records or forgets a subscription to a name that is not a mailbox; returns whether it was recorded before.</summary>
    public async Task<StoreError> SetSubscribedAsync(string account, string name, bool subscribed, CancellationToken cancellationToken)
    {
        account = account.ToLowerInvariant();
        await ProvisionAsync(account, cancellationToken);
        var n = await _index.WriteAsync((c, tx) => ExecuteAsync(c, tx, "UPDATE mailboxes SET subscribed=$s WHERE account=$a AND name=$n", cancellationToken,
            ("$s", subscribed ? 1 : 0), ("$a", account), ("$n", NormalizeName(name))), cancellationToken);
        if (n > 0)
        {
            Events.NameChanged(account, [new MailboxNameChange(subscribed ? MailboxNameKind.Subscribed : MailboxNameKind.Unsubscribed, NormalizeName(name))]);
        }
        return n == 0 ? StoreError.NotFound : StoreError.None;
    }

    public async Task<bool> SetOrphanSubscriptionAsync(string account, string name, bool subscribed, CancellationToken cancellationToken)
    {
        await EnsureOrphanTableAsync(cancellationToken);
        account = account.ToLowerInvariant();
        name = NormalizeName(name);
        return await _index.WriteAsync(async (c, tx) =>
        {
            var existed = await ExecuteAsync(c, tx, "DELETE FROM orphan_subscriptions WHERE account=$a AND name=$n", cancellationToken, ("$a", account), ("$n", name)) > 0;
            if (subscribed)
            {
                await ExecuteAsync(c, tx, "INSERT INTO orphan_subscriptions(account, name) VALUES($a, $n)", cancellationToken, ("$a", account), ("$n", name));
            }
            return existed;
        }, cancellationToken);
    }
}
