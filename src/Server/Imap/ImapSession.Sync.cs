namespace MailHost.Server.Imap;

/// <summary>The selected mailbox kept in step with what other sessions change in it.</summary>
internal sealed partial class ImapSession
{
    /// <summary>
    /// Reports what other sessions changed in the selected mailbox: EXPUNGE (highest first, so the
    /// numbers stay right), FETCH FLAGS, then EXISTS. Not during FETCH/STORE/SEARCH by sequence
    /// number (RFC 9051 §7.5.1 forbids EXPUNGE there), when the caller passes false.
    /// </summary>
    private Task SyncAsync(bool allowExpunge, CancellationToken ct) => SyncCoreAsync(allowExpunge, reportFlags: true, ct);

    /// <param name="reportFlags">false for a NOTIFY push without FlagChange (RFC 5465 §5.1): the view still takes the new flags.</param>
    private async Task SyncCoreAsync(bool allowExpunge, bool reportFlags, CancellationToken ct)
    {
        var selected = _selected;
        if (selected is null)
        {
            return;
        }
        var version = _store.Events.Version(selected.Info.Id);
        if (version == selected.Version)
        {
            return;
        }
        var fresh = await _store.ListMessagesAsync(selected.Info.Id, ct);
        var freshByUid = fresh.ToDictionary(m => m.Uid);
        if (!allowExpunge && selected.Messages.Any(m => !freshByUid.ContainsKey(m.Uid)))
        {
            return;
        }
        selected.Version = version;
        AnnounceNewKeywords(fresh);
        var gone = new List<(int Seq, long Uid)>();
        for (var i = selected.Messages.Count - 1; i >= 0; i--)
        {
            if (!freshByUid.ContainsKey(selected.Messages[i].Uid))
            {
                gone.Add((i + 1, selected.Messages[i].Uid));
                selected.Messages.RemoveAt(i);
            }
        }
        WriteExpunged(gone);
        for (var i = 0; i < selected.Messages.Count; i++)
        {
            var old = selected.Messages[i];
            var now = freshByUid[old.Uid];
            if (reportFlags && (old.Flags.Count != now.Flags.Count || !old.Flags.All(now.Has)))
            {
                _out.Line($"* {i + 1} FETCH (UID {now.Uid} FLAGS ({FlagText(now)}){ModSeqText(now)})");
            }
            selected.Messages[i] = now;
        }
        var maxUid = selected.MaxUid;
        var added = fresh.Where(m => m.Uid > maxUid).ToList();
        if (added.Count > 0)
        {
            selected.Messages.AddRange(added);
            _out.Line($"* {selected.Messages.Count} EXISTS");
            ClaimRecent(selected, added[^1].Uid);
            await WriteNotifyFetchesAsync(selected, added, ct);
        }
    }
}
