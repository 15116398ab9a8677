using MailHost.Server.Protocol;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>APPEND with MULTIAPPEND (RFC 3502) and APPENDLIMIT (RFC 7889).</summary>
internal sealed partial class ImapSession
{
    /// <summary>RFC 7889: the largest message APPEND takes, the same limit SMTP applies.</summary>
    private long AppendLimit => _conn.CurrentSnapshot.Server.MaxMessageSize;

    // A large literal arrives spooled to a temporary file (ImapCommandReader), never in memory.
    private sealed record AppendMessage(IReadOnlyList<string> Flags, DateTimeOffset Date, Stream Content);

    private async Task AppendAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        var messages = new List<AppendMessage>();
        // RFC 3502 §6.3.11: one or more (flags, date, literal) groups; all are appended or none.
        while (r.TryChar(' '))
        {
            IReadOnlyList<string> flags = [];
            if (r.Peek() == '(')
            {
                flags = r.FlagList();
                r.Space();
            }
            var date = DateTimeOffset.UtcNow;
            if (r.Peek() == '"')
            {
                date = r.DateTime();
                r.Space();
            }
            messages.Add(new AppendMessage([.. flags.Select(Flags.Normalize).OfType<string>()], date, r.MessageLiteral()));
        }
        try
        {
            r.End();
            await AppendAllAsync(tag, name, messages, ct);
        }
        finally
        {
            foreach (var message in messages)
            {
                await message.Content.DisposeAsync();
            }
        }
    }

    private async Task AppendAllAsync(string tag, string name, List<AppendMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            throw new ImapParseException("APPEND needs a message");
        }
        var box = await _store.GetMailboxAsync(Account, name, ct);
        if (box is null)
        {
            _out.Line($"{tag} NO [TRYCREATE] No such mailbox");
            return;
        }
        if (messages.Any(m => m.Content.Length > AppendLimit))
        {
            _out.Line($"{tag} NO [TOOBIG] Message larger than APPENDLIMIT {AppendLimit}");
            return;
        }
        foreach (var message in messages)
        {
            // Before any MIME code reads the message (RFC 9051 §7.1: LIMIT).
            var headerLimit = HeaderLimitScanner.For(_conn.CurrentSnapshot.Server);
            if (await headerLimit.CheckAsync(message.Content, ct) != HeaderVerdict.Passed)
            {
                _out.Line($"{tag} NO [LIMIT] {headerLimit.RefusalText}");
                return;
            }
        }
        var uids = new List<long>();
        long uidValidity = box.UidValidity;
        foreach (var message in messages)
        {
            var result = await _store.AppendAsync(box.Id, message.Content, message.Flags, message.Date, null, ct);
            if (result.Error != StoreError.None)
            {
                // Undo the ones already appended so the command stays all-or-nothing.
                if (uids.Count > 0)
                {
                    await _store.RemoveAsync(box.Id, uids, ct);
                }
                _out.Line(result.Error == StoreError.OverQuota ? $"{tag} NO [OVERQUOTA] Quota exceeded" : $"{tag} NO [SERVERBUG] APPEND failed");
                await SyncAsync(allowExpunge: true, ct);
                return;
            }
            uidValidity = result.UidValidity;
            uids.Add(result.Uid);
        }
        if (_selected?.Info.Id == box.Id)
        {
            _createdHere.UnionWith(uids); // RFC 5465 §5.2: no MessageNew FETCH for the client's own APPEND
        }
        await SyncAsync(allowExpunge: true, ct);
        _out.Line($"{tag} OK [APPENDUID {uidValidity} {SequenceSet.Format(uids)}] APPEND completed");
    }
}
