using MailHost.Server.Logging;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// Sending NOTIFY's responses when no command runs (RFC 5465 §3.1: "the client listens for event
/// notifications all the time"): the next command is read while the queue is watched; one writer at a
/// time (a literal's "+" continuation comes from the reader), and a write that the client does not take
/// within the idle timeout ends the session instead of buffering.
/// </summary>
internal sealed partial class ImapSession
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    /// <summary>The next command; with NOTIFY on, pushes notifications while waiting for it.</summary>
    private async Task<(CommandReadStatus Status, byte[] Command)> ReadCommandAsync(CancellationToken readToken, CancellationToken ct)
    {
        if (_notifyQueue is null)
        {
            return await _reader.ReadAsync(readToken);
        }
        var read = _reader.ReadAsync(readToken);
        while (true)
        {
            if (!await PushNotificationsAsync(inIdle: false, ct))
            {
                return (CommandReadStatus.Closed, []);
            }
            var queue = _notifyQueue;
            if (read.IsCompleted || queue is null)
            {
                return await read;
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var wake = queue.WaitAsync(stop.Token);
            var done = await Task.WhenAny(read, wake);
            await stop.CancelAsync();
            if (done == read)
            {
                return await read;
            }
        }
    }

    /// <summary>
    /// Writes what the queue holds: overflow, LIST for name changes, the selected mailbox's changes, STATUS
    /// for the others. False when the client did not take the bytes within the idle timeout.
    /// </summary>
    private async Task<bool> PushNotificationsAsync(bool inIdle, CancellationToken ct)
    {
        if (_notifyQueue is null)
        {
            return true;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(IdleTimeout);
        await _writeGate.WaitAsync(ct);
        try
        {
            await WriteNotificationsAsync(inIdle, timeout.Token);
            await FlushAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            ImapLog.CommandFailed(_logger, "NOTIFY", _conn.Id, new TimeoutException("the client did not read its notifications"));
            return false;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task WriteNotificationsAsync(bool inIdle, CancellationToken ct)
    {
        var (overflow, dirty, names) = _notifyQueue!.Drain();
        if (overflow)
        {
            // §5.8: say so, then behave as after NOTIFY NONE.
            StopNotify();
            _out.Line("* OK [NOTIFICATIONOVERFLOW] Too many notifications pending, NOTIFY is now NONE");
            return;
        }
        var spec = _notify!;
        if (names.Count > 0)
        {
            var before = _notifyBoxes;
            await RefreshNotifyBoxesAsync(await _store.ListMailboxesAsync(Account, ct), writeStatus: false, ct);
            WriteNameChanges(spec, names, before);
        }
        var selected = _selected;
        if (selected is not null && (spec.SelectedEvents & NotifyEvents.MessageNew) != 0)
        {
            // §6.1.2: SELECTED-DELAYED keeps expunges (and here everything with them) for a command that allows them; IDLE does.
            await SyncCoreAsync(allowExpunge: inIdle || !spec.Delayed, reportFlags: (spec.SelectedEvents & NotifyEvents.FlagChange) != 0, ct);
        }
        foreach (var box in _notifyBoxes.Values)
        {
            if (box.Info.Id == selected?.Info.Id || box.Last is null || !dirty.TryGetValue(box.Info.Id, out var byOthers))
            {
                continue;
            }
            var now = await StatusValuesAsync(box.Info.Id, ct);
            if (now is null)
            {
                continue; // deleted: its MailboxName event says so
            }
            var last = box.Last;
            box.Last = now;
            if (!byOthers)
            {
                continue; // §5: the client's own change
            }
            var counted = now.Messages != last.Messages || now.UidNext != last.UidNext || now.UidValidity != last.UidValidity;
            var flagged = (box.Events & NotifyEvents.FlagChange) != 0 && (now.Unseen != last.Unseen || ((_condStore || _qresync) && now.HighestModSeq != last.HighestModSeq));
            if (counted || flagged)
            {
                WriteNotifyStatus(box.Info.Name, now, uidValidity: now.UidValidity != last.UidValidity);
            }
        }
    }

    /// <summary>§5.4 and §5.5: LIST per affected name (a created or deleted mailbox's parent too); not for the client's own changes.</summary>
    private void WriteNameChanges(NotifySpec spec, List<(MailboxNameChange Change, bool Own)> names, Dictionary<string, NotifyBox> before)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (change, own) in names)
        {
            if (own)
            {
                continue;
            }
            var subscribed = (_notifyBoxes.GetValueOrDefault(change.Name) ?? before.GetValueOrDefault(change.Name))?.Info.Subscribed == true;
            var events = spec.EventsFor(change.Name, subscribed) | (change.OldName is null ? NotifyEvents.None : spec.EventsFor(change.OldName, subscribed));
            var wanted = change.Kind is MailboxNameKind.Subscribed or MailboxNameKind.Unsubscribed ? NotifyEvents.SubscriptionChange : NotifyEvents.MailboxName;
            if ((events & wanted) == 0)
            {
                continue;
            }
            if (change.Kind == MailboxNameKind.Renamed)
            {
                WriteNotifyList(change.Name, change.OldName);
                continue;
            }
            if (written.Add(change.Name))
            {
                WriteNotifyList(change.Name);
            }
            var slash = change.Name.LastIndexOf(MailStore.Separator);
            if (change.Kind is MailboxNameKind.Created or MailboxNameKind.Deleted && slash > 0 && written.Add(change.Name[..slash]))
            {
                WriteNotifyList(change.Name[..slash]);
            }
        }
    }
}
