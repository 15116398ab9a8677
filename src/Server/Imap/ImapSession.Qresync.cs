using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>The QRESYNC parameter of SELECT/EXAMINE: what the client knew when it last left the mailbox.</summary>
internal sealed record QresyncSelect(long UidValidity, ulong ModSeq, SequenceSet? KnownUids);

/// <summary>
/// QRESYNC (RFC 7162 §3.2): ENABLE QRESYNC, SELECT/EXAMINE (QRESYNC (...)) answered with VANISHED
/// (EARLIER) and the changed flags, VANISHED instead of EXPUNGE once enabled, and UID FETCH
/// (CHANGEDSINCE n VANISHED). Expunged UIDs come from the store's expunge log; UIDs it has no row
/// for (removed before the log existed) are found as holes below the highest UID.
/// </summary>
internal sealed partial class ImapSession
{
    private bool _qresync;

    /// <summary>ENABLE QRESYNC: implies CONDSTORE (RFC 7162 §3.2.3).</summary>
    private void EnableQresync()
    {
        _qresync = true;
        _condStore = true;
    }

    /// <summary>
    /// "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" after "QRESYNC ".
    /// seq-match-data only helps servers without an expunge log (§3.2.5.2); it is parsed and not needed here.
    /// </summary>
    private QresyncSelect ReadQresyncParameter(ImapReader r)
    {
        if (!_qresync)
        {
            // RFC 7162 §3.2.5: QRESYNC in SELECT without ENABLE QRESYNC is BAD.
            throw new ImapParseException("ENABLE QRESYNC first");
        }
        r.Space();
        r.Expect('(');
        var uidValidity = (long)r.Number();
        r.Space();
        var modSeq = r.Number64();
        if (modSeq == 0)
        {
            throw new ImapParseException("mod-sequence must be positive");
        }
        SequenceSet? known = null;
        if (r.TryChar(' '))
        {
            if (r.Peek() != '(')
            {
                known = r.SequenceSet();
                r.TryChar(' ');
            }
            if (r.TryChar('('))
            {
                _ = r.SequenceSet();
                r.Space();
                _ = r.SequenceSet();
                r.Expect(')');
            }
        }
        r.Expect(')');
        return new QresyncSelect(uidValidity, modSeq, known);
    }

    /// <summary>After SELECT/EXAMINE's untagged data: VANISHED (EARLIER) then FETCH for what changed since the client's mod-sequence.</summary>
    private async Task QresyncSelectedAsync(QresyncSelect? parameter, CancellationToken ct)
    {
        if (parameter is null || _selected is null || parameter.UidValidity != _selected.Info.UidValidity)
        {
            // A different UIDVALIDITY means the client must resynchronise fully: nothing more to say (§3.2.5.1).
            return;
        }
        await WriteVanishedEarlierAsync(parameter.KnownUids, parameter.ModSeq, ct);
        var known = parameter.KnownUids;
        var maxUid = Selected.MaxUid;
        for (var i = 0; i < Selected.Messages.Count; i++)
        {
            var m = Selected.Messages[i];
            if ((ulong)m.ModSeq > parameter.ModSeq && (known is null || known.Contains(m.Uid, maxUid)))
            {
                _out.Line($"* {i + 1} FETCH (UID {m.Uid} FLAGS ({FlagText(m)}) MODSEQ ({m.ModSeq}))");
            }
        }
    }

    /// <summary>"* VANISHED (EARLIER) uids": UIDs in <paramref name="set"/> (all when null) expunged after <paramref name="since"/>.</summary>
    private async Task WriteVanishedEarlierAsync(SequenceSet? set, ulong since, CancellationToken ct)
    {
        var info = Selected.Info;
        var maxUid = Selected.MaxUid;
        var vanished = (await _store.ExpungedSinceAsync(info.Id, info.UidValidity, since, ct))
            .Where(u => set is null || set.Contains(u, Math.Max(maxUid, u))).ToHashSet();
        if (set is not null)
        {
            // Holes the log has no row for were expunged before it existed: report them too (a client ignores UIDs it does not have).
            var present = Selected.Messages.Select(m => m.Uid).ToHashSet();
            var older = await _store.ExpungedUpToAsync(info.Id, info.UidValidity, since, ct);
            for (var uid = 1L; uid <= maxUid; uid++)
            {
                if (!present.Contains(uid) && !older.Contains(uid) && set.Contains(uid, maxUid))
                {
                    vanished.Add(uid);
                }
            }
        }
        if (vanished.Count > 0)
        {
            _out.Line($"* VANISHED (EARLIER) {SequenceSet.Format(vanished)}");
        }
    }

    /// <summary>The untagged responses for messages gone from the view: EXPUNGE, or one VANISHED once QRESYNC is on (§3.2.10).</summary>
    private void WriteExpunged(List<(int Seq, long Uid)> gone)
    {
        if (!_qresync)
        {
            foreach (var (seq, _) in gone)
            {
                _out.Line($"* {seq} EXPUNGE");
            }
            return;
        }
        if (gone.Count > 0)
        {
            _out.Line($"* VANISHED {SequenceSet.Format(gone.Select(g => g.Uid))}");
        }
    }
}
