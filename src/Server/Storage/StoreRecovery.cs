using MailHost.Server.Logging;
using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

/// <summary>
/// Start-up reconciliation of message files and index (a crash can fall between the two):
/// ".tmp" files were never acknowledged and are deleted; a complete file without a row is
/// indexed into the mailbox its name records (INBOX if that mailbox is gone) unless its deletion
/// was committed (EXPUNGE, POP3 DELE, DELETE mailbox: pending_deletes), in which case the unlink is
/// finished; a row whose file is missing is dropped.
/// </summary>
internal sealed class StoreRecovery(MailStore store, MailIndex index, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var root = store.Files.Root;
        var finished = await FinishPendingDeletesAsync(cancellationToken);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var orphanRows = new List<(long Mailbox, long Uid)>();
        await using (var c = await index.OpenAsync(cancellationToken))
        {
            await using var cmd = Command(c, null, "SELECT mailbox_id, uid, file FROM messages");
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var file = r.GetString(2);
                known.Add(file);
                if (!File.Exists(store.Files.FullPath(file)))
                {
                    orphanRows.Add((r.GetInt64(0), r.GetInt64(1)));
                }
            }
        }
        var partial = 0;
        var indexed = 0;
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            var dirName = Path.GetFileName(dir);
            var account = Uri.UnescapeDataString(dirName);
            foreach (var path in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(path);
                if (name.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    File.Delete(path);
                    partial++;
                    continue;
                }
                var relative = $"{dirName}/{name}";
                if (!name.EndsWith(".eml", StringComparison.Ordinal) || known.Contains(relative))
                {
                    continue;
                }
                await IndexOrphanAsync(account, relative, path, cancellationToken);
                indexed++;
            }
        }
        if (orphanRows.Count > 0)
        {
            await index.WriteAsync(async (c, tx) =>
            {
                foreach (var (mailbox, uid) in orphanRows)
                {
                    await ExecuteAsync(c, tx, "DELETE FROM messages WHERE mailbox_id=$m AND uid=$u", cancellationToken, ("$m", mailbox), ("$u", uid));
                }
                return 0;
            }, cancellationToken);
        }
        if (partial + indexed + orphanRows.Count + finished > 0)
        {
            StoreLog.Recovered(logger, partial, indexed, orphanRows.Count, finished);
        }
    }

    /// <summary>Must run before the orphan scan: a file whose row deletion was committed is never mail to adopt.</summary>
    private async Task<int> FinishPendingDeletesAsync(CancellationToken cancellationToken)
    {
        var pending = new List<string>();
        await using (var c = await index.OpenAsync(cancellationToken))
        {
            await using var cmd = Command(c, null, "SELECT file FROM pending_deletes");
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                pending.Add(r.GetString(0));
            }
        }
        if (pending.Count > 0)
        {
            await index.WriteAsync(async (c, tx) =>
            {
                await MailStore.FinishPendingDeletesAsync(c, tx, store.Files, pending, cancellationToken);
                return 0;
            }, cancellationToken);
        }
        return pending.Count;
    }

    private async Task IndexOrphanAsync(string account, string relative, string path, CancellationToken cancellationToken)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        long.TryParse(underscore > 0 ? name[..underscore] : "", NumberStyles.None, CultureInfo.InvariantCulture, out var mailboxId);
        var key = underscore > 0 ? name[(underscore + 1)..] : null;
        var info = new FileInfo(path);
        await index.WriteAsync(async (c, tx) =>
        {
            var exists = await ScalarAsync(c, tx, "SELECT 1 FROM mailboxes WHERE id=$m", cancellationToken, ("$m", mailboxId)) is not null;
            if (!exists)
            {
                var inbox = await ScalarAsync(c, tx, "SELECT id FROM mailboxes WHERE account=$a AND name='INBOX'", cancellationToken, ("$a", account));
                if (inbox is null)
                {
                    await ExecuteAsync(c, tx, "INSERT INTO mailboxes(account,name,uidvalidity,uidnext,subscribed) VALUES($a,'INBOX',$v,1,1)", cancellationToken,
                        ("$a", account), ("$v", DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
                    inbox = await ScalarAsync(c, tx, "SELECT last_insert_rowid()", cancellationToken);
                }
                mailboxId = Convert.ToInt64(inbox, CultureInfo.InvariantCulture);
            }
            // Delivery keys are 32 hex characters; APPENDed files have a random key that is not a delivery key.
            var deliveryKey = key is { Length: 32 } ? key : null;
            return await MailStore.InsertMessageAsync(c, tx, mailboxId, info.Length, info.LastWriteTimeUtc, "", relative, deliveryKey, cancellationToken);
        }, cancellationToken);
    }
}
