using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// NOTIFY (RFC 5465): the command, the per-session watch state and the untagged responses it sends
/// (STATUS for other mailboxes, LIST for name and subscription changes, FETCH for new messages).
/// Sending them between commands is <see cref="ReadCommandAsync"/>'s job (ImapSession.NotifyPush.cs).
/// </summary>
internal sealed partial class ImapSession
{
    /// <summary>A NOTIFY watching more mailboxes than this for message events is NO [NOTIFICATIONOVERFLOW] (§3.1: "too expensive").</summary>
    private const int MaxNotifyMailboxes = 1000;

    private NotifySpec? _notify;
    private NotifyQueue? _notifyQueue;
    private IDisposable? _notifyListen;

    /// <summary>Every mailbox of the account as last seen, by name: its id, subscription and the STATUS values last reported.</summary>
    private Dictionary<string, NotifyBox> _notifyBoxes = new(StringComparer.Ordinal);

    /// <summary>UIDs this session itself put into the selected mailbox: no MessageNew FETCH for those (§5.2).</summary>
    private readonly HashSet<long> _createdHere = [];

    private sealed record StatusValues(int Messages, long UidNext, long UidValidity, int Unseen, long HighestModSeq);

    private sealed class NotifyBox(MailboxInfo info)
    {
        public MailboxInfo Info { get; set; } = info;
        public NotifyEvents Events { get; set; }
        public StatusValues? Last { get; set; }
    }

    private async Task NotifyAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var verb = r.Atom().ToUpperInvariant();
        NotifySpec? spec = null;
        if (verb == "SET")
        {
            try
            {
                spec = NotifySpec.Parse(r, MailboxName);
            }
            catch (NotifyBadEventException)
            {
                _out.Line($"{tag} NO [BADEVENT ({NotifySpec.Supported})] Unsupported NOTIFY event");
                return;
            }
        }
        else if (verb != "NONE")
        {
            throw new ImapParseException("NOTIFY needs SET or NONE");
        }
        r.End();
        StopNotify();
        if (spec is null)
        {
            _out.Line($"{tag} OK NOTIFY completed");
            return;
        }
        var boxes = await _store.ListMailboxesAsync(Account, ct);
        if (boxes.Count(b => (spec.EventsFor(b.Name, b.Subscribed) & NotifyEvents.MessageEvents) != 0) > MaxNotifyMailboxes)
        {
            _out.Line($"{tag} NO [NOTIFICATIONOVERFLOW] Too many mailboxes to watch (limit {MaxNotifyMailboxes})");
            return;
        }
        // Listen before the baseline is read, so no change falls between the two.
        _notify = spec;
        _notifyQueue = new NotifyQueue(Account, this);
        _notifyListen = _store.Events.Listen(_notifyQueue);
        _notifyBoxes = new Dictionary<string, NotifyBox>(StringComparer.Ordinal);
        await RefreshNotifyBoxesAsync(boxes, spec.Status, ct);
        // §3.1: a successful NOTIFY SET implies a NOOP.
        await SyncAsync(allowExpunge: true, ct);
        _out.Line($"{tag} OK NOTIFY completed");
    }

    private void StopNotify()
    {
        _notifyListen?.Dispose();
        _notifyListen = null;
        _notifyQueue?.Dispose();
        _notifyQueue = null;
        _notify = null;
        _notifyBoxes = new Dictionary<string, NotifyBox>(StringComparer.Ordinal);
    }

    /// <summary>Called when a mailbox is selected, so its changes wake the session too.</summary>
    private void NotifySelected(long mailboxId) => _notifyQueue?.AddInterest(mailboxId);

    /// <summary>Records the account's mailboxes, the events each is watched for and a STATUS baseline (written when <paramref name="writeStatus"/>).</summary>
    private async Task RefreshNotifyBoxesAsync(IReadOnlyList<MailboxInfo> boxes, bool writeStatus, CancellationToken ct)
    {
        var spec = _notify!;
        var next = new Dictionary<string, NotifyBox>(StringComparer.Ordinal);
        var interest = new List<long>();
        foreach (var box in boxes)
        {
            var entry = _notifyBoxes.TryGetValue(box.Name, out var old) && old.Info.Id == box.Id ? old : new NotifyBox(box);
            entry.Info = box;
            entry.Events = spec.EventsFor(box.Name, box.Subscribed);
            next[box.Name] = entry;
            if ((entry.Events & NotifyEvents.MessageEvents) == 0)
            {
                continue;
            }
            interest.Add(box.Id);
            if (entry.Last is null || writeStatus)
            {
                entry.Last = await StatusValuesAsync(box.Id, ct);
                // §3.1: STATUS for every watched mailbox but the selected one, before the tagged OK.
                if (writeStatus && entry.Last is not null && box.Id != _selected?.Info.Id)
                {
                    WriteNotifyStatus(box.Name, entry.Last);
                }
            }
        }
        if (_selected is not null)
        {
            interest.Add(_selected.Info.Id);
        }
        _notifyBoxes = next;
        _notifyQueue!.SetInterest(interest);
    }

    private async Task<StatusValues?> StatusValuesAsync(long mailboxId, CancellationToken ct)
    {
        var box = await _store.GetMailboxByIdAsync(mailboxId, ct);
        if (box is null)
        {
            return null;
        }
        var counts = await _store.CountAsync(mailboxId, ct);
        return new StatusValues(counts.Messages, box.UidNext, box.UidValidity, counts.Unseen, box.HighestModSeq);
    }

    /// <summary>
    /// §5.1-§5.3: MESSAGES, UIDNEXT and UNSEEN; UIDVALIDITY only in NOTIFY SET STATUS's answer (§3.1) and when it
    /// changed, as Dovecot does (a client keeps it from then on); HIGHESTMODSEQ once CONDSTORE or QRESYNC is on.
    /// </summary>
    private void WriteNotifyStatus(string name, StatusValues v, bool uidValidity = true)
    {
        var validity = uidValidity ? $" UIDVALIDITY {v.UidValidity}" : "";
        var modseq = _condStore || _qresync ? $" HIGHESTMODSEQ {v.HighestModSeq}" : "";
        _out.Raw("* STATUS ").AString(DisplayName(name)).Raw($" (MESSAGES {v.Messages} UIDNEXT {v.UidNext}{validity} UNSEEN {v.Unseen}{modseq})\r\n");
    }

    /// <summary>§5.2: after EXISTS, one FETCH with the client's fetch-atts per message another session added.</summary>
    private async Task WriteNotifyFetchesAsync(SelectedMailbox selected, List<MessageEntry> added, CancellationToken ct)
    {
        var items = _notify?.FetchItems;
        if (items is null || items.Count == 0 || (_notify!.SelectedEvents & NotifyEvents.MessageNew) == 0)
        {
            _createdHere.Clear();
            return;
        }
        var needsContent = items.Any(i => i.NeedsContent);
        var needsParse = items.Any(NeedsParse);
        var firstSeq = selected.Messages.Count - added.Count + 1;
        for (var i = 0; i < added.Count; i++)
        {
            var entry = added[i];
            if (_createdHere.Contains(entry.Uid))
            {
                continue;
            }
            await using var message = needsContent ? FetchedMessage.TryOpen(_store.Files.FullPath(entry.File)) : null;
            if (needsContent && message is null)
            {
                continue; // expunged since: its EXPUNGE follows, never empty data
            }
            if (needsParse)
            {
                await message!.LoadAsync(ct);
            }
            await WriteFetchResponseAsync(firstSeq + i, entry, items, message, null, null, ct);
        }
        _createdHere.Clear();
    }

    /// <summary>The attributes of an unsolicited LIST (§5.4, §5.5): accurate, as LIST would compute them.</summary>
    private string ListAttributes(string name)
    {
        if (!_notifyBoxes.TryGetValue(name, out var box))
        {
            var hasChildren = _notifyBoxes.Keys.Any(n => n.StartsWith(name + MailStore.Separator, StringComparison.Ordinal));
            return hasChildren ? "\\NonExistent \\HasChildren" : "\\NonExistent";
        }
        var attributes = new List<string>();
        if (box.Info.Subscribed)
        {
            attributes.Add("\\Subscribed");
        }
        attributes.Add(_notifyBoxes.Keys.Any(n => n.StartsWith(name + MailStore.Separator, StringComparison.Ordinal)) ? "\\HasChildren" : "\\HasNoChildren");
        if (box.Info.SpecialUse is { } use)
        {
            attributes.Add(use);
        }
        return string.Join(' ', attributes);
    }

    private void WriteNotifyList(string name, string? oldName = null)
    {
        _out.Raw($"* LIST ({ListAttributes(name)}) \"/\" ").AString(DisplayName(name));
        if (oldName is not null)
        {
            _out.Raw(" (\"OLDNAME\" (").AString(DisplayName(oldName)).Raw("))");
        }
        _out.Raw("\r\n");
    }
}
