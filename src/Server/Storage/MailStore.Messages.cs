using Microsoft.Data.Sqlite;
using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

public sealed partial class MailStore
{
    /// <summary>All messages of a mailbox in UID order (sequence number = position + 1).</summary>
    public async Task<List<MessageEntry>> ListMessagesAsync(long mailboxId, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var c = await _index.OpenAsync(cancellationToken);
        await using var cmd = Command(c, null, "SELECT uid,size,internal_date,flags,file,modseq,save_date FROM messages WHERE mailbox_id=$m ORDER BY uid", ("$m", mailboxId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<MessageEntry>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(new MessageEntry(r.GetInt64(0), r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), Flags.Parse(r.GetString(3)), r.GetString(4), r.GetInt64(5)) { SaveDate = ReadSaveDate(r, 6) });
        }
        return list;
    }

    /// <summary>
    /// Adds a message (APPEND or local delivery). The file is durable before the index row exists;
    /// with a <paramref name="deliveryId"/> a second call for the same delivery changes nothing.
    /// </summary>
    public async Task<AppendResult> AppendAsync(long mailboxId, Stream content, IReadOnlyList<string> flags, DateTimeOffset internalDate, string? deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await InitializeAsync(cancellationToken);
        var box = await GetMailboxByIdAsync(mailboxId, cancellationToken);
        if (box is null)
        {
            return new AppendResult(StoreError.NotFound, 0, 0);
        }
        // Appended files get 33-character keys so recovery never mistakes them for delivery keys (32).
        var key = deliveryId is null ? "a" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) : MessageFiles.DeliveryKey(deliveryId);
        if (deliveryId is not null && await IsDeliveredAsync(key, cancellationToken))
        {
            return new AppendResult(StoreError.AlreadyExists, box.UidValidity, 0);
        }
        // IMAP APPEND below the free-space reserve: NO [OVERQUOTA] (RFC 9208 §4.3). Deliveries (with an id) never
        // get here then: the local delivery worker pauses and retries instead of failing the recipient.
        if (deliveryId is null && Disk.BelowReserve)
        {
            return new AppendResult(StoreError.OverQuota, box.UidValidity, 0);
        }
        var quota = QuotaOf(box.Account);
        if (quota > 0 && content.CanSeek && await UsedBytesAsync(box.Account, cancellationToken) + content.Length > quota)
        {
            return new AppendResult(StoreError.OverQuota, box.UidValidity, 0);
        }
        var (file, size) = await Files.WriteAsync(box.Account, mailboxId, key, content, cancellationToken);
        var cacheRow = await BuildCacheRowAsync(file, size, cancellationToken);
        var result = await _index.WriteAsync(async (c, tx) =>
        {
            if (quota > 0 && await UsedBytesAsync(c, tx, box.Account, cancellationToken) + size > quota)
            {
                return new AppendResult(StoreError.OverQuota, box.UidValidity, 0);
            }
            var uid = await InsertMessageAsync(c, tx, mailboxId, size, internalDate, Flags.Format(flags), file, deliveryId is null ? null : key, cancellationToken);
            if (uid != 0 && cacheRow is not null)
            {
                await MessageCache.InsertAsync(c, tx, file, cacheRow, cancellationToken);
            }
            return new AppendResult(uid == 0 ? StoreError.AlreadyExists : StoreError.None, box.UidValidity, uid);
        }, cancellationToken);
        if (result.Error == StoreError.OverQuota)
        {
            Files.Delete(file);
        }
        if (result.Error == StoreError.None)
        {
            Events.Changed(mailboxId);
        }
        return result;
    }

    /// <summary>
    /// The FETCH cache row of a file just written, from the bytes as stored (CRLF-normalised) while they are in the
    /// page cache. Large messages are left to the first FETCH, which reads them anyway; a message the builder
    /// cannot handle is still stored (FETCH then answers it by parsing, as it did before the cache).
    /// </summary>
    private async Task<CachedMessage?> BuildCacheRowAsync(string file, long size, CancellationToken cancellationToken)
    {
        if (_cacheBuilder is null || size > MessageCache.MaxBuildAtStoreSize)
        {
            return null;
        }
        var bytes = await Files.ReadAsync(file, cancellationToken);
        try
        {
            return _cacheBuilder.Build(bytes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            MessageCacheLog.BuildFailed(_logger, file, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="incomingSize"/> more bytes would take the account over its quota: asked at RCPT and at the
    /// end of DATA, so a full mailbox is refused in the session (452 4.2.2 / 552 5.2.2) instead of bounced later
    /// (backscatter to a forged sender).
    /// </summary>
    public async Task<bool> WouldExceedQuotaAsync(string account, long incomingSize, CancellationToken cancellationToken)
    {
        var quota = QuotaOf(account.ToLowerInvariant());
        return quota > 0 && await UsedBytesAsync(account, cancellationToken) + Math.Max(incomingSize, 1) > quota;
    }

    private async Task<bool> IsDeliveredAsync(string key, CancellationToken cancellationToken)
    {
        await using var c = await _index.OpenAsync(cancellationToken);
        return await ScalarAsync(c, null, "SELECT 1 FROM messages WHERE delivery_key=$k", cancellationToken, ("$k", key)) is not null;
    }

    /// <summary>Inserts a row with the next UID; returns 0 when the delivery key is already indexed.</summary>
    internal static async Task<long> InsertMessageAsync(SqliteConnection c, SqliteTransaction tx, long mailboxId, long size, DateTimeOffset internalDate, string flags, string file, string? deliveryKey, CancellationToken cancellationToken)
    {
        if (deliveryKey is not null && await ScalarAsync(c, tx, "SELECT 1 FROM messages WHERE delivery_key=$k", cancellationToken, ("$k", deliveryKey)) is not null)
        {
            return 0;
        }
        var (uid, modseq) = await NextUidAsync(c, tx, mailboxId, 1, cancellationToken);
        // RFC 8514: every insert (delivery, APPEND, COPY, MOVE, recovery) is a save into this mailbox, dated now.
        await ExecuteAsync(c, tx, "INSERT INTO messages(mailbox_id,uid,size,internal_date,flags,file,modseq,delivery_key,save_date) VALUES($m,$u,$s,$d,$f,$file,$ms,$k,$sd)", cancellationToken,
            ("$m", mailboxId), ("$u", uid), ("$s", size), ("$d", internalDate.ToUnixTimeMilliseconds()), ("$f", flags), ("$file", file), ("$ms", modseq), ("$k", deliveryKey),
            ("$sd", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        return uid;
    }

    private static async Task<(long FirstUid, long ModSeq)> NextUidAsync(SqliteConnection c, SqliteTransaction tx, long mailboxId, int count, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, tx, "UPDATE mailboxes SET uidnext=uidnext+$n, modseq=modseq+1 WHERE id=$m RETURNING uidnext-$n, modseq", ("$n", count), ("$m", mailboxId));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"mailbox {mailboxId} vanished");
        }
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task<long> NextModSeqAsync(SqliteConnection c, SqliteTransaction tx, long mailboxId, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(c, tx, "UPDATE mailboxes SET modseq=modseq+1 WHERE id=$m RETURNING modseq", cancellationToken, ("$m", mailboxId)), CultureInfo.InvariantCulture);

    /// <summary>The entries for some UIDs: row by row for a few, one scan for many.</summary>
    private async Task<List<MessageEntry>> LoadAsync(long mailboxId, IReadOnlyCollection<long> uids, CancellationToken cancellationToken)
    {
        if (uids.Count > 64)
        {
            var wanted = uids.ToHashSet();
            return [.. (await ListMessagesAsync(mailboxId, cancellationToken)).Where(m => wanted.Contains(m.Uid))];
        }
        await using var c = await _index.OpenAsync(cancellationToken);
        var list = new List<MessageEntry>();
        foreach (var uid in uids.Distinct().Order())
        {
            await using var cmd = Command(c, null, "SELECT uid,size,internal_date,flags,file,modseq,save_date FROM messages WHERE mailbox_id=$m AND uid=$u", ("$m", mailboxId), ("$u", uid));
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            if (await r.ReadAsync(cancellationToken))
            {
                list.Add(new MessageEntry(r.GetInt64(0), r.GetInt64(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), Flags.Parse(r.GetString(3)), r.GetString(4), r.GetInt64(5)) { SaveDate = ReadSaveDate(r, 6) });
            }
        }
        return list;
    }

    /// <summary>Changes flags on the given UIDs; returns the new flags of each message that exists.</summary>
    public async Task<List<FlagChange>> StoreFlagsAsync(long mailboxId, IReadOnlyCollection<long> uids, FlagMode mode, IReadOnlyList<string> flags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        await InitializeAsync(cancellationToken);
        var current = await LoadAsync(mailboxId, uids, cancellationToken);
        var changes = await _index.WriteAsync(async (c, tx) =>
        {
            var list = new List<FlagChange>();
            var modseq = await NextModSeqAsync(c, tx, mailboxId, cancellationToken);
            foreach (var m in current)
            {
                var next = Flags.Apply(m.Flags, flags, mode);
                if (next.Count == m.Flags.Count && next.All(f => m.Has(f)))
                {
                    list.Add(new FlagChange(m.Uid, next, m.ModSeq));
                    continue;
                }
                await ExecuteAsync(c, tx, "UPDATE messages SET flags=$f, modseq=$ms WHERE mailbox_id=$m AND uid=$u", cancellationToken,
                    ("$f", Flags.Format(next)), ("$ms", modseq), ("$m", mailboxId), ("$u", m.Uid));
                list.Add(new FlagChange(m.Uid, next, modseq));
            }
            return list;
        }, cancellationToken);
        Events.Changed(mailboxId);
        return changes;
    }

    /// <summary>Removes messages flagged \Deleted (only those in <paramref name="onlyUids"/> when given); returns their UIDs.</summary>
    public async Task<List<long>> ExpungeAsync(long mailboxId, IReadOnlyCollection<long>? onlyUids, CancellationToken cancellationToken)
    {
        var victims = (await ListMessagesAsync(mailboxId, cancellationToken))
            .Where(m => m.Has(Flags.Deleted) && (onlyUids is null || onlyUids.Contains(m.Uid))).ToList();
        return await RemoveAsync(mailboxId, victims, cancellationToken);
    }

    /// <summary>Removes the given UIDs whatever their flags (POP3 DELE at QUIT, MOVE).</summary>
    public async Task<List<long>> RemoveAsync(long mailboxId, IReadOnlyCollection<long> uids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var set = uids.ToHashSet();
        var victims = (await ListMessagesAsync(mailboxId, cancellationToken)).Where(m => set.Contains(m.Uid)).ToList();
        return await RemoveAsync(mailboxId, victims, cancellationToken);
    }

    private async Task<List<long>> RemoveAsync(long mailboxId, List<MessageEntry> victims, CancellationToken cancellationToken)
    {
        if (victims.Count == 0)
        {
            return [];
        }
        await _index.WriteAsync(async (c, tx) =>
        {
            var modSeq = await NextModSeqAsync(c, tx, mailboxId, cancellationToken);
            foreach (var m in victims)
            {
                await ExecuteAsync(c, tx, "DELETE FROM messages WHERE mailbox_id=$m AND uid=$u", cancellationToken, ("$m", mailboxId), ("$u", m.Uid));
            }
            await RecordExpungedAsync(c, tx, mailboxId, victims.Select(v => v.Uid), modSeq, cancellationToken);
            await RecordPendingDeletesAsync(c, tx, victims.Select(v => v.File), cancellationToken);
            return 0;
        }, cancellationToken);
        await DeleteUnreferencedAsync(victims.Select(v => v.File), cancellationToken);
        Events.Changed(mailboxId);
        return [.. victims.Select(v => v.Uid)];
    }

    /// <summary>COPY (and MOVE with <paramref name="move"/>): new rows share the message files; UIDs for COPYUID (RFC 4315).</summary>
    public async Task<CopyResult> CopyAsync(long sourceId, IReadOnlyCollection<long> uids, long destinationId, bool move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var dest = await GetMailboxByIdAsync(destinationId, cancellationToken);
        if (dest is null)
        {
            return new CopyResult(StoreError.NotFound, 0, [], []);
        }
        var set = uids.ToHashSet();
        var sources = (await ListMessagesAsync(sourceId, cancellationToken)).Where(m => set.Contains(m.Uid)).ToList();
        var quota = QuotaOf(dest.Account);
        var result = await _index.WriteAsync(async (c, tx) =>
        {
            if (quota > 0 && !move && await UsedBytesAsync(c, tx, dest.Account, cancellationToken) + sources.Sum(s => s.Size) > quota)
            {
                return new CopyResult(StoreError.OverQuota, dest.UidValidity, [], []);
            }
            var newUids = new List<long>();
            foreach (var m in sources)
            {
                newUids.Add(await InsertMessageAsync(c, tx, destinationId, m.Size, m.InternalDate, Flags.Format(m.Flags), m.File, null, cancellationToken));
                if (move)
                {
                    await ExecuteAsync(c, tx, "DELETE FROM messages WHERE mailbox_id=$m AND uid=$u", cancellationToken, ("$m", sourceId), ("$u", m.Uid));
                }
            }
            if (move && sources.Count > 0)
            {
                await NextModSeqAsync(c, tx, sourceId, cancellationToken);
            }
            return new CopyResult(StoreError.None, dest.UidValidity, [.. sources.Select(s => s.Uid)], newUids);
        }, cancellationToken);
        if (result.Error == StoreError.None && sources.Count > 0)
        {
            Events.Changed(destinationId);
            if (move)
            {
                Events.Changed(sourceId);
            }
        }
        return result;
    }
}
