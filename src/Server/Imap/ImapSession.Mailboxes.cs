using System.Text.RegularExpressions;
using MailHost.Server.Protocol;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

internal sealed partial class ImapSession
{
    private string Account => _account!.Address;

    /// <summary>A mailbox name as the client sent it, in our UTF-8 form (IMAP4rev1 clients send modified UTF-7).</summary>
    private string MailboxName(string wire) => _rev2 ? wire : ModifiedUtf7.Decode(wire);

    /// <summary>A mailbox name as this client expects to see it.</summary>
    private string DisplayName(string name) => _rev2 ? name : ModifiedUtf7.Encode(name);

    private async Task SelectAsync(string tag, bool readOnly, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        var qresync = r.TryChar(' ') ? ReadSelectParameters(r) : null;
        r.End();
        // RFC 9051 §6.3.2: a failed SELECT still leaves the previous mailbox closed.
        if (_selected is not null)
        {
            _selected.Dispose();
            _selected = null;
            if (_rev2 || _qresync)
            {
                _out.Line("* OK [CLOSED] Previous mailbox closed");
            }
        }
        var box = await _store.GetMailboxAsync(Account, name, ct);
        if (box is null)
        {
            _out.Line($"{tag} NO [NONEXISTENT] No such mailbox");
            return;
        }
        var watch = _store.Events.Watch(box.Id);
        var version = _store.Events.Version(box.Id);
        var messages = await _store.ListMessagesAsync(box.Id, ct);
        box = await _store.GetMailboxByIdAsync(box.Id, ct) ?? box;
        _selected = new SelectedMailbox(box, readOnly, messages, watch, version);
        NotifySelected(box.Id);
        _selected.Keywords.UnionWith(messages.SelectMany(m => m.Flags).Where(f => !f.StartsWith('\\')));
        WriteFlagsAndPermanentFlags(_selected);
        _out.Line($"* {messages.Count} EXISTS");
        if (!_rev2)
        {
            ClaimRecent(_selected, messages.Count == 0 ? 0 : messages[^1].Uid);
            var firstUnseen = messages.FindIndex(m => !m.Has(Flags.Seen));
            if (firstUnseen >= 0)
            {
                _out.Line($"* OK [UNSEEN {firstUnseen + 1}] First unseen");
            }
        }
        _out.Line($"* OK [UIDVALIDITY {box.UidValidity}] UIDs valid");
        _out.Line($"* OK [UIDNEXT {box.UidNext}] Predicted next UID");
        // RFC 7162 §3.1.2.1: a CONDSTORE server reports the mailbox's highest mod-sequence on every SELECT/EXAMINE.
        _out.Line($"* OK [HIGHESTMODSEQ {box.HighestModSeq}] Highest");
        _out.Line($"* OK [MAILBOXID ({ObjectIds.MailboxId(box)})] Ok"); // RFC 8474 §4.1
        if (_rev2)
        {
            _out.Raw("* LIST () \"/\" ").AString(DisplayName(box.Name)).Raw("\r\n");
        }
        await QresyncSelectedAsync(qresync, ct);
        _out.Line($"{tag} OK [{(readOnly ? "READ-ONLY" : "READ-WRITE")}] {(readOnly ? "EXAMINE" : "SELECT")} completed");
    }

    private static readonly string[] SpecialUses = [@"\All", @"\Archive", @"\Drafts", @"\Flagged", @"\Junk", @"\Sent", @"\Trash"];

    private async Task CreateAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        string? use = null;
        if (r.TryChar(' '))
        {
            // RFC 6154 §3: CREATE name (USE (\Sent)).
            r.Expect('(');
            if (r.Atom().Equals("USE", StringComparison.OrdinalIgnoreCase))
            {
                r.Space();
                var uses = r.FlagList();
                // RFC 6154 §3: an attribute we cannot keep is NO [USEATTR]; the store keeps one per mailbox.
                use = uses.Count == 1 ? SpecialUses.FirstOrDefault(u => u.Equals(uses[0], StringComparison.OrdinalIgnoreCase)) ?? "" : "";
            }
            r.Expect(')');
        }
        r.End();
        if (use == "")
        {
            _out.Line($"{tag} NO [USEATTR] Unsupported special-use attribute");
            return;
        }
        if (MailStore.NormalizeName(name) == MailStore.Inbox)
        {
            _out.Line($"{tag} NO [ALREADYEXISTS] INBOX always exists");
            return;
        }
        var error = await _store.CreateMailboxAsync(Account, name, use, ct);
        if (error == StoreError.None && await _store.SetOrphanSubscriptionAsync(Account, name, subscribed: false, ct))
        {
            // The name was subscribed before it existed again: the subscription carries over.
            await _store.SetSubscribedAsync(Account, name, subscribed: true, ct);
        }
        // RFC 8474 §4.1: the new mailbox's MAILBOXID in the tagged OK.
        var created = error == StoreError.None ? await _store.GetMailboxAsync(Account, name, ct) : null;
        _out.Line(error switch
        {
            StoreError.None when created is not null => $"{tag} OK [MAILBOXID ({ObjectIds.MailboxId(created)})] CREATE completed",
            StoreError.None => $"{tag} OK CREATE completed",
            StoreError.AlreadyExists => $"{tag} NO [ALREADYEXISTS] Mailbox exists",
            _ => $"{tag} NO [CANNOT] Invalid mailbox name",
        });
    }

    private async Task DeleteAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        r.End();
        if (_selected is not null && _selected.Info.Name == MailStore.NormalizeName(name))
        {
            _selected.Dispose();
            _selected = null;
        }
        var wasSubscribed = (await _store.GetMailboxAsync(Account, name, ct))?.Subscribed == true;
        var error = await _store.DeleteMailboxAsync(Account, name, ct);
        if (error == StoreError.None && wasSubscribed)
        {
            await _store.SetOrphanSubscriptionAsync(Account, name, subscribed: true, ct);
        }
        _out.Line(error switch
        {
            StoreError.None => $"{tag} OK DELETE completed",
            StoreError.NotFound => $"{tag} NO [NONEXISTENT] No such mailbox",
            _ => $"{tag} NO [CANNOT] Cannot delete this mailbox",
        });
    }

    private async Task RenameAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var from = MailboxName(r.AString());
        r.Space();
        var to = MailboxName(r.AString());
        r.End();
        var error = await _store.RenameMailboxAsync(Account, from, to, ct);
        if (error == StoreError.None && _selected is not null && await _store.GetMailboxByIdAsync(_selected.Info.Id, ct) is { } renamed)
        {
            _selected.Info = renamed;
        }
        _out.Line(error switch
        {
            StoreError.None => $"{tag} OK RENAME completed",
            StoreError.NotFound => $"{tag} NO [NONEXISTENT] No such mailbox",
            StoreError.AlreadyExists => $"{tag} NO [ALREADYEXISTS] Target mailbox exists",
            _ => $"{tag} NO [CANNOT] Invalid mailbox name",
        });
    }

    private async Task SubscribeAsync(string tag, bool subscribe, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        r.End();
        var error = await _store.SetSubscribedAsync(Account, name, subscribe, ct);
        if (!subscribe)
        {
            await _store.SetOrphanSubscriptionAsync(Account, name, subscribed: false, ct);
        }
        // Unsubscribing a name that does not exist is harmless; subscribing one is refused.
        _out.Line(error == StoreError.None || !subscribe ? $"{tag} OK {(subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE")} completed" : $"{tag} NO [NONEXISTENT] No such mailbox");
    }

    private static HashSet<string> ReadOptionList(ImapReader r)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        r.Expect('(');
        while (!r.TryChar(')'))
        {
            r.TryChar(' ');
            set.Add(r.Atom());
        }
        return set;
    }

    /// <summary>RFC 9051 §6.3.9: "*" matches anything, "%" anything but the hierarchy delimiter; INBOX is case-insensitive.</summary>
    private static Regex PatternRegex(string reference, string pattern)
    {
        var full = reference + pattern;
        if (full.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            full = "INBOX" + full[5..];
        }
        var regex = "^" + Regex.Escape(full).Replace(@"\*", ".*", StringComparison.Ordinal).Replace("%", "[^/]*", StringComparison.Ordinal) + "$";
        return new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private Task NamespaceAsync(string tag, ImapReader r)
    {
        r.End();
        _out.Line("* NAMESPACE ((\"\" \"/\")) NIL NIL");
        _out.Line($"{tag} OK NAMESPACE completed");
        return Task.CompletedTask;
    }

    private async Task StatusAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var name = MailboxName(r.AString());
        r.Space();
        var items = ReadOptionList(r).Select(s => s.ToUpperInvariant()).ToList();
        r.End();
        var box = await _store.GetMailboxAsync(Account, name, ct);
        if (box is null)
        {
            _out.Line($"{tag} NO [NONEXISTENT] No such mailbox");
            return;
        }
        await WriteStatusAsync(box, items, ct);
        _out.Line($"{tag} OK STATUS completed");
    }

    private async Task WriteStatusAsync(MailboxInfo box, List<string> items, CancellationToken ct)
    {
        var counts = await _store.CountAsync(box.Id, ct);
        var values = new List<string>();
        foreach (var item in items)
        {
            values.Add(item switch
            {
                "MESSAGES" => $"MESSAGES {counts.Messages}",
                "UIDNEXT" => $"UIDNEXT {box.UidNext}",
                "UIDVALIDITY" => $"UIDVALIDITY {box.UidValidity}",
                "UNSEEN" => $"UNSEEN {counts.Unseen}",
                "RECENT" => $"RECENT {await UnclaimedRecentAsync(box, ct)}",
                "SIZE" => $"SIZE {counts.Size}",
                "DELETED" => $"DELETED {counts.Deleted}",
                "HIGHESTMODSEQ" => $"HIGHESTMODSEQ {box.HighestModSeq}",
                "APPENDLIMIT" => $"APPENDLIMIT {AppendLimit}",
                "DELETED-STORAGE" => $"DELETED-STORAGE {await DeletedStorageAsync(box, ct)}",
                "MAILBOXID" => $"MAILBOXID ({ObjectIds.MailboxId(box)})",
                _ => throw new ImapParseException($"unknown status item {item}"),
            });
        }
        _out.Raw("* STATUS ").AString(DisplayName(box.Name)).Raw($" ({string.Join(' ', values)})\r\n");
    }

    /// <summary>RFC 2177 IDLE: pushes the selected mailbox's changes as they happen until the client sends DONE.</summary>
    private async Task IdleAsync(string tag, ImapReader r, CancellationToken ct)
    {
        r.End();
        await SyncAsync(allowExpunge: true, ct);
        _out.Line("+ idling");
        await FlushAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(IdleTimeout);
        var readLine = _lines.ReadLineAsync(timeout.Token).AsTask();
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var selected = _selected;
        try
        {
            while (true)
            {
                // RFC 5465 §4: with NOTIFY on, IDLE sends exactly the events NOTIFY asked for.
                var queue = _notifyQueue;
                var change = queue is not null ? queue.WaitAsync(stopWaiting.Token)
                    : selected is null ? Task.Delay(Timeout.Infinite, stopWaiting.Token) : selected.Watch.WaitAsync(stopWaiting.Token);
                var done = await Task.WhenAny(readLine, change);
                if (done == readLine)
                {
                    break;
                }
                await change;
                if (queue is not null)
                {
                    if (!await PushNotificationsAsync(inIdle: true, ct))
                    {
                        _logout = true;
                        return;
                    }
                    continue;
                }
                await SyncAsync(allowExpunge: true, ct);
                await FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _out.Line("* BYE Idle timeout");
            _logout = true;
            return;
        }
        finally
        {
            await stopWaiting.CancelAsync();
        }
        LineStatus status;
        string line;
        try
        {
            (status, line) = await readLine;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _out.Line("* BYE Idle timeout");
            _logout = true;
            return;
        }
        if (status == LineStatus.Closed)
        {
            _logout = true;
            return;
        }
        if (!line.Trim().Equals("DONE", StringComparison.OrdinalIgnoreCase))
        {
            _out.Line($"{tag} BAD Expected DONE");
            return;
        }
        _out.Line($"{tag} OK IDLE terminated");
    }
}
