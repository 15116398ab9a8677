using System.Text;
using MailHost.Server.Mime;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

internal sealed partial class ImapSession
{
    private SelectedMailbox Selected => _selected!;

    private async Task FetchAsync(string tag, bool uid, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var set = r.SequenceSet();
        r.Space();
        var items = FetchItem.ParseList(r);
        var vanished = false;
        var changedSince = r.TryChar(' ') ? ReadFetchModifiers(r, out vanished) : null;
        r.End();
        if (vanished && (!uid || changedSince is null || !_qresync))
        {
            // RFC 7162 §3.2.6: VANISHED only in UID FETCH, with CHANGEDSINCE, after ENABLE QRESYNC.
            throw new ImapParseException("VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC");
        }
        if (items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            _condStore = true;
        }
        if (changedSince is not null && !items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            items.Add(new FetchItem(FetchKind.ModSeq));
        }
        if (uid && !items.Any(i => i.Kind == FetchKind.Uid))
        {
            items.Insert(0, new FetchItem(FetchKind.Uid));
        }
        await SyncAsync(allowExpunge: uid, ct);
        if (vanished)
        {
            await WriteVanishedEarlierAsync(set, changedSince!.Value, ct);
        }
        var targets = Selected.Resolve(set, uid);
        if (changedSince is { } since)
        {
            targets.RemoveAll(t => (ulong)t.Message.ModSeq <= since);
        }
        var needsContent = items.Any(i => i.NeedsContent);
        var setsSeen = !Selected.ReadOnly && items.Any(i => i.SetsSeen);
        if (setsSeen && targets.Where(t => !t.Message.Has(Flags.Seen)).Select(t => t.Message.Uid).ToList() is { Count: > 0 } unseen)
        {
            // One store call for the whole set, not one per message.
            var changes = (await _store.StoreFlagsAsync(Selected.Info.Id, unseen, FlagMode.Add, [Flags.Seen], ct)).ToDictionary(c => c.Uid);
            for (var i = 0; i < targets.Count; i++)
            {
                if (changes.TryGetValue(targets[i].Message.Uid, out var change))
                {
                    var updated = targets[i].Message with { Flags = change.Flags, ModSeq = change.ModSeq };
                    targets[i] = (targets[i].Seq, updated);
                    Selected.Messages[targets[i].Seq - 1] = updated;
                }
            }
            if (!items.Any(i => i.Kind == FetchKind.Flags))
            {
                items.Add(new FetchItem(FetchKind.Flags));
            }
        }
        if (_condStore && items.Any(i => i.Kind == FetchKind.Flags) && !items.Any(i => i.Kind == FetchKind.ModSeq))
        {
            items.Add(new FetchItem(FetchKind.ModSeq)); // RFC 7162 §3.1.4: FLAGS come with MODSEQ once CONDSTORE is on
        }
        var needsParse = items.Any(NeedsParse);
        // The cache row answers ENVELOPE/BODY/BODYSTRUCTURE with no file read and header sections with a read of
        // the header alone; only when every content item is of those kinds can the parse be skipped.
        var contentItems = items.Where(i => i.NeedsContent).ToList();
        var useCache = needsParse && contentItems.Any(FetchCache.Answers);
        var cacheOnly = useCache && contentItems.All(FetchCache.Answers);
        var fileless = cacheOnly && contentItems.All(FetchCache.AnswersWithoutFile);
        var expunged = false;
        for (var chunk = 0; chunk < targets.Count; chunk += MessageCache.BatchSize)
        {
            var batch = targets.GetRange(chunk, Math.Min(MessageCache.BatchSize, targets.Count - chunk));
            var cached = useCache ? await _store.Cache.GetAsync([.. batch.Select(t => t.Message.File)], FetchCache.Version, ct) : null;
            var built = new List<(string File, CachedMessage Entry)>();
            foreach (var (seq, entry) in batch)
            {
                var row = cached?.GetValueOrDefault(entry.File);
                if (row is not null && cacheOnly && (fileless || row.HeaderLength >= 0))
                {
                    if (!await WriteFetchFromCacheAsync(seq, entry, items, row, fileless, ct))
                    {
                        expunged = true;
                    }
                    continue;
                }
                // RFC 9051 §7.4.1: a message another session expunged is answered with its real data or not
                // at all, never as empty data: the open handle keeps the file readable once it is unlinked.
                await using var message = needsContent ? FetchedMessage.TryOpen(_store.Files.FullPath(entry.File)) : null;
                if (needsContent && message is null)
                {
                    expunged = true;
                    continue;
                }
                if (needsParse)
                {
                    await message!.LoadAsync(ct);
                    if (useCache && row is null)
                    {
                        // Written lazily for messages stored before the cache existed (or by an older format version).
                        built.Add((entry.File, FetchCache.Build(message.Content, message.Parsed)));
                    }
                }
                if (needsParse && items.Any(i => i.Kind is FetchKind.Binary or FetchKind.BinarySize && !BinaryContent.CanDecode(message!.Content, message.Parsed, i.Section)))
                {
                    _out.Line($"{tag} NO [UNKNOWN-CTE] Cannot decode this part's content transfer encoding");
                    return;
                }
                await WriteFetchResponseAsync(seq, entry, items, message, null, null, ct);
            }
            await SaveCacheRowsAsync(built, ct);
        }
        _out.Line(expunged
            ? $"{tag} NO [EXPUNGEISSUED] Some messages were expunged by another session"
            : $"{tag} OK {(uid ? "UID " : "")}FETCH completed");
    }

    public static string FormatInternalDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + $"{sign}{offset.Hours:00}{offset.Minutes:00}";
    }

    private async Task StoreAsync(string tag, bool uid, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var set = r.SequenceSet();
        r.Space();
        ulong? unchangedSince = null;
        if (r.Peek() == '(')
        {
            unchangedSince = ReadStoreModifiers(r);
            r.Space();
        }
        var action = r.Atom().ToUpperInvariant();
        r.Space();
        var flags = r.FlagList();
        r.End();
        var silent = action.EndsWith(".SILENT", StringComparison.Ordinal);
        var mode = (silent ? action[..^".SILENT".Length] : action) switch
        {
            "FLAGS" => FlagMode.Replace,
            "+FLAGS" => FlagMode.Add,
            "-FLAGS" => FlagMode.Remove,
            _ => throw new ImapParseException("expected FLAGS, +FLAGS or -FLAGS"),
        };
        if (Selected.ReadOnly)
        {
            _out.Line($"{tag} NO [READ-ONLY] Mailbox is read-only");
            return;
        }
        var normalized = flags.Select(Flags.Normalize).OfType<string>().ToList();
        await SyncAsync(allowExpunge: uid, ct);
        var targets = Selected.Resolve(set, uid);
        // RFC 7162 §3.1.3: messages changed since the client's mod-sequence are left alone and named in [MODIFIED].
        var modified = unchangedSince is { } limit ? targets.Where(t => (ulong)t.Message.ModSeq > limit).ToList() : [];
        targets.RemoveAll(t => modified.Contains(t));
        var changes = await _store.StoreFlagsAsync(Selected.Info.Id, [.. targets.Select(t => t.Message.Uid)], mode, normalized, ct);
        var byUid = changes.ToDictionary(c => c.Uid);
        AnnounceNewKeywords(changes.Select(c => c.Flags));
        foreach (var (seq, message) in targets)
        {
            if (!byUid.TryGetValue(message.Uid, out var change))
            {
                continue;
            }
            Selected.Messages[seq - 1] = message with { Flags = change.Flags, ModSeq = change.ModSeq };
            if (!silent)
            {
                var shown = FlagText(Selected.Messages[seq - 1]) + ")" + ModSeqText(Selected.Messages[seq - 1]);
                _out.Line(uid ? $"* {seq} FETCH (UID {message.Uid} FLAGS ({shown})" : $"* {seq} FETCH (FLAGS ({shown})");
            }
        }
        var modifiedCode = modified.Count > 0 ? $"[MODIFIED {SequenceSet.Format(modified.Select(m => uid ? m.Message.Uid : m.Seq))}] " : "";
        _out.Line($"{tag} OK {modifiedCode}{(uid ? "UID " : "")}STORE completed");
    }

    private async Task CopyAsync(string tag, bool uid, bool move, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var set = r.SequenceSet();
        r.Space();
        var name = MailboxName(r.AString());
        r.End();
        var word = (uid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (move && Selected.ReadOnly)
        {
            _out.Line($"{tag} NO [READ-ONLY] Mailbox is read-only");
            return;
        }
        var dest = await _store.GetMailboxAsync(Account, name, ct);
        if (dest is null)
        {
            _out.Line($"{tag} NO [TRYCREATE] No such mailbox");
            return;
        }
        await SyncAsync(allowExpunge: uid, ct);
        var targets = Selected.Resolve(set, uid);
        if (targets.Count == 0)
        {
            _out.Line($"{tag} OK {word} completed (nothing to do)");
            return;
        }
        var result = await _store.CopyAsync(Selected.Info.Id, [.. targets.Select(t => t.Message.Uid)], dest.Id, move, ct); // RFC 6851 §3.3: MOVE into the same mailbox still moves (new UID)
        if (result.Error == StoreError.OverQuota)
        {
            _out.Line($"{tag} NO [OVERQUOTA] Quota exceeded");
            return;
        }
        var copyUid = $"COPYUID {result.UidValidity} {SequenceSet.Format(result.SourceUids)} {SequenceSet.Format(result.DestinationUids)}";
        if (move)
        {
            // RFC 6851 §4.3: COPYUID comes untagged before the EXPUNGE responses.
            _out.Line($"* OK [{copyUid}] Moved");
            await SyncAsync(allowExpunge: true, ct);
            _out.Line($"{tag} OK {word} completed");
            return;
        }
        await SyncAsync(allowExpunge: uid, ct);
        _out.Line($"{tag} OK [{copyUid}] {word} completed");
    }

    private async Task ExpungeAsync(string tag, bool uid, ImapReader r, CancellationToken ct)
    {
        IReadOnlyCollection<long>? only = null;
        if (uid)
        {
            r.Space();
            var set = r.SequenceSet();
            only = [.. Selected.Resolve(set, byUid: true).Select(t => t.Message.Uid)];
        }
        r.End();
        if (Selected.ReadOnly)
        {
            _out.Line($"{tag} NO [READ-ONLY] Mailbox is read-only");
            return;
        }
        await _store.ExpungeAsync(Selected.Info.Id, only, ct);
        await SyncAsync(allowExpunge: true, ct);
        _out.Line($"{tag} OK {(uid ? "UID " : "")}EXPUNGE completed");
    }

    private async Task CloseAsync(string tag, bool expunge, ImapReader r, CancellationToken ct)
    {
        r.End();
        if (expunge && !Selected.ReadOnly)
        {
            // RFC 9051 §6.4.1: CLOSE expunges silently.
            await _store.ExpungeAsync(Selected.Info.Id, null, ct);
        }
        Selected.Dispose();
        _selected = null;
        _out.Line($"{tag} OK {(expunge ? "CLOSE" : "UNSELECT")} completed");
    }

    private async Task SearchAsync(string tag, bool uid, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var query = ParseSearchPrefix(r, out var returns);
        r.End();
        await SyncAsync(allowExpunge: uid, ct);
        var messages = Selected.Messages;
        var matches = new List<(int Seq, MessageEntry Message)>();
        var maxUid = Selected.MaxUid;
        for (var i = 0; i < messages.Count; i++)
        {
            var candidate = new SearchCandidate(messages[i], i + 1, messages.Count, maxUid);
            candidate.Recent = !_rev2 && Selected.Recent.Contains(messages[i].Uid);
            if (query.NeedsContent)
            {
                candidate.Content = await _store.Files.ReadAsync(messages[i].File, ct);
            }
            if (query.Match(candidate))
            {
                matches.Add((i + 1, messages[i]));
            }
        }
        var numbers = matches.Select(m => uid ? m.Message.Uid : m.Seq).ToList();
        // RFC 7162 §3.1.5: a search with MODSEQ reports the highest mod-sequence of what it found.
        var modSeq = query.UsesModSeq && matches.Count > 0 ? $" (MODSEQ {matches.Max(m => m.Message.ModSeq)})" : "";
        if (query.UsesModSeq)
        {
            _condStore = true;
        }
        if (returns is null && !_rev2)
        {
            _out.Line("* SEARCH" + string.Concat(numbers.Select(n => " " + n.ToString(CultureInfo.InvariantCulture))) + modSeq);
        }
        else
        {
            // RFC 4731 / RFC 9051 §7.3.4: ESEARCH; RETURN () means ALL.
            returns ??= [];
            if (returns.Count == 0)
            {
                returns.Add("ALL");
            }
            var sb = new StringBuilder($"* ESEARCH (TAG \"{tag}\")");
            if (uid)
            {
                sb.Append(" UID");
            }
            if (returns.Contains("MIN") && numbers.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $" MIN {numbers.Min()}");
            }
            if (returns.Contains("MAX") && numbers.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $" MAX {numbers.Max()}");
            }
            if (returns.Contains("ALL") && numbers.Count > 0)
            {
                sb.Append(" ALL ").Append(SequenceSet.Format(numbers));
            }
            if (returns.Contains("COUNT"))
            {
                sb.Append(CultureInfo.InvariantCulture, $" COUNT {numbers.Count}");
            }
            if (modSeq.Length > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $" MODSEQ {matches.Max(m => m.Message.ModSeq)}");
            }
            _out.Line(sb.ToString());
        }
        _out.Line($"{tag} OK {(uid ? "UID " : "")}SEARCH completed");
    }

    /// <summary>[RETURN (options)] [CHARSET name] keys.</summary>
    private static SearchQuery ParseSearchPrefix(ImapReader r, out HashSet<string>? returns)
    {
        returns = null;
        var query = SearchQuery.ParseWithPrefix(r, out var returnOptions, out var charset);
        if (returnOptions is not null)
        {
            returns = [.. returnOptions.Select(o => o.ToUpperInvariant())];
        }
        if (charset is not null && !charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapParseException("[BADCHARSET (UTF-8 US-ASCII)] unsupported charset");
        }
        return query;
    }
}
