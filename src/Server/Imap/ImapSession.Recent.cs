using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>Session-scoped flag state: \Recent (IMAP4rev1 only) and the keyword list announced by FLAGS.</summary>
internal sealed partial class ImapSession
{
    /// <summary>The FLAGS of a message as this session shows them: \Recent added for IMAP4rev1 sessions that own it.</summary>
    private string FlagText(MessageEntry message)
    {
        var flags = string.Join(' ', message.Flags);
        if (!_rev2 && _selected is { } selected && selected.Recent.Contains(message.Uid))
        {
            flags = flags.Length == 0 ? @"\Recent" : flags + @" \Recent";
        }
        return flags;
    }

    /// <summary>Marks messages up to <paramref name="upToUid"/> recent if no other session had them, and says how many are recent now.</summary>
    private void ClaimRecent(SelectedMailbox selected, long upToUid)
    {
        // RFC 9051 drops \Recent: an IMAP4rev2 session neither shows nor takes it.
        if (_rev2)
        {
            return;
        }
        var from = selected.ReadOnly ? _recent.Peek(selected.Info.Id) : _recent.Claim(selected.Info.Id, upToUid);
        foreach (var m in selected.Messages)
        {
            if (m.Uid > from && m.Uid <= upToUid)
            {
                selected.Recent.Add(m.Uid);
            }
        }
        _out.Line($"* {selected.Messages.Count(m => selected.Recent.Contains(m.Uid))} RECENT");
    }

    /// <summary>STATUS RECENT: messages no session has claimed yet.</summary>
    private async Task<int> UnclaimedRecentAsync(MailboxInfo box, CancellationToken ct)
    {
        var claimed = _recent.Peek(box.Id);
        return (await _store.ListMessagesAsync(box.Id, ct)).Count(m => m.Uid > claimed);
    }

    private static string FlagListText(SelectedMailbox selected) => string.Join(' ', Flags.System.Concat(selected.Keywords));

    private void WriteFlagsAndPermanentFlags(SelectedMailbox selected)
    {
        var flagList = FlagListText(selected);
        _out.Line($"* FLAGS ({flagList})");
        _out.Line(selected.ReadOnly ? "* OK [PERMANENTFLAGS ()] Read-only mailbox" : $"* OK [PERMANENTFLAGS ({flagList} \\*)] Flags permitted");
    }

    /// <summary>
    /// RFC 3501 §7.2.6 / RFC 9051 §7.3.5: a keyword may appear in FETCH FLAGS only after FLAGS has
    /// listed it, so a new one first sends FLAGS and PERMANENTFLAGS again.
    /// </summary>
    private void AnnounceNewKeywords(IEnumerable<IReadOnlyList<string>> flagSets)
    {
        if (_selected is not { } selected)
        {
            return;
        }
        var added = false;
        foreach (var flag in flagSets.SelectMany(f => f))
        {
            if (!flag.StartsWith('\\') && selected.Keywords.Add(flag))
            {
                added = true;
            }
        }
        if (added)
        {
            WriteFlagsAndPermanentFlags(selected);
        }
    }

    private void AnnounceNewKeywords(IEnumerable<MessageEntry> messages) => AnnounceNewKeywords(messages.Select(m => m.Flags));
}
