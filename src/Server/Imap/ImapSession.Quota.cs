using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// QUOTA (RFC 9208) as a report of the account quota the store already enforces: one quota root
/// "" per account with the STORAGE resource in units of 1024 octets. Limits are set in the console,
/// so SETQUOTA is refused and QUOTASET is not advertised.
/// </summary>
internal sealed partial class ImapSession
{
    private const string QuotaRoot = "";

    private long QuotaBytes => _conn.CurrentSnapshot.Accounts.TryGetValue(Account, out var spec) ? spec.QuotaBytes : _account!.QuotaBytes;

    private async Task GetQuotaRootAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        r.End();
        var box = await _store.GetMailboxAsync(Account, name, ct);
        if (box is null)
        {
            _out.Line($"{tag} NO [NONEXISTENT] No such mailbox");
            return;
        }
        _out.Raw("* QUOTAROOT ").AString(DisplayName(box.Name));
        if (QuotaBytes <= 0)
        {
            // RFC 9208 §4.3.2: a mailbox without a quota has no roots.
            _out.Raw("\r\n");
        }
        else
        {
            _out.Raw(" \"\"\r\n");
            await WriteQuotaAsync(ct);
        }
        _out.Line($"{tag} OK GETQUOTAROOT completed");
    }

    private async Task GetQuotaAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var root = r.AString();
        r.End();
        if (root != QuotaRoot || QuotaBytes <= 0)
        {
            _out.Line($"{tag} NO [NONEXISTENT] No such quota root");
            return;
        }
        await WriteQuotaAsync(ct);
        _out.Line($"{tag} OK GETQUOTA completed");
    }

    private Task SetQuotaAsync(string tag, ImapReader r)
    {
        _ = r.Rest();
        _out.Line($"{tag} NO [NOPERM] Quotas are set by the administrator");
        return Task.CompletedTask;
    }

    private async Task WriteQuotaAsync(CancellationToken ct)
    {
        var used = await _store.UsedBytesAsync(Account, ct);
        _out.Line($"* QUOTA \"\" (STORAGE {Kibibytes(used)} {QuotaBytes / 1024})");
    }

    private static long Kibibytes(long bytes) => (bytes + 1023) / 1024;

    /// <summary>STATUS DELETED-STORAGE (RFC 9208 §4.1.4): what EXPUNGE would free, in 1024-octet units.</summary>
    private async Task<long> DeletedStorageAsync(MailboxInfo box, CancellationToken ct) =>
        Kibibytes((await _store.ListMessagesAsync(box.Id, ct)).Where(m => m.Has(Flags.Deleted)).Sum(m => m.Size));
}
