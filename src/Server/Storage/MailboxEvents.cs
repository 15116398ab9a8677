namespace MailHost.Server.Storage;

/// <summary>
/// In-process change notifications per mailbox: every write bumps the mailbox's version and wakes
/// its watchers (other IMAP sessions, IDLE), which then re-read the index and report the difference.
/// </summary>
public sealed partial class MailboxEvents
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, List<MailboxWatch>> _watches = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _versions = new();

    public long Version(long mailboxId) => _versions.GetValueOrDefault(mailboxId);

    public MailboxWatch Watch(long mailboxId)
    {
        var watch = new MailboxWatch(this, mailboxId);
        lock (_gate)
        {
            if (!_watches.TryGetValue(mailboxId, out var list))
            {
                _watches[mailboxId] = list = [];
            }
            list.Add(watch);
        }
        return watch;
    }

    public void Changed(long mailboxId)
    {
        _versions.AddOrUpdate(mailboxId, 1, (_, v) => v + 1);
        MailboxWatch[] targets;
        lock (_gate)
        {
            targets = _watches.TryGetValue(mailboxId, out var list) ? [.. list] : [];
        }
        foreach (var w in targets)
        {
            w.Signal();
        }
        NotifyListeners(l => l.MessagesChanged(mailboxId, ChangeOrigin.Current));
    }

    internal void Remove(MailboxWatch watch)
    {
        lock (_gate)
        {
            if (_watches.TryGetValue(watch.MailboxId, out var list))
            {
                list.Remove(watch);
                if (list.Count == 0)
                {
                    _watches.Remove(watch.MailboxId);
                }
            }
        }
    }
}

/// <summary>A session's subscription to one mailbox's changes.</summary>
public sealed class MailboxWatch(MailboxEvents events, long mailboxId) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public long MailboxId => mailboxId;

    internal void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers any number of changes.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Waits for the next change (or returns at once if one happened since the last wait).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    public void Dispose()
    {
        events.Remove(this);
        _signal.Dispose();
    }
}
