using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// One NOTIFY session's pending changes, filled on the writers' threads and drained by the session.
/// Bounded: changed mailboxes are a set of the watched ones (at most the watch limit), name changes a
/// list of at most <see cref="Capacity"/>; past that the queue overflows and the session reports
/// NOTIFICATIONOVERFLOW and stops notifying (RFC 5465 §5.8), so a client that never reads cannot
/// grow the server's memory while its socket is full.
/// </summary>
internal sealed class NotifyQueue(string account, object self) : IMailboxListener, IDisposable
{
    public const int Capacity = 256;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private HashSet<long> _interest = [];
    private Dictionary<long, bool> _dirty = [];
    private List<(MailboxNameChange Change, bool Own)> _names = [];
    private bool _overflow;

    /// <summary>The mailboxes whose message changes matter: the watched ones and the selected one.</summary>
    public void SetInterest(IEnumerable<long> mailboxIds)
    {
        var set = mailboxIds.ToHashSet();
        lock (_gate)
        {
            _interest = set;
        }
    }

    public void AddInterest(long mailboxId)
    {
        lock (_gate)
        {
            _interest.Add(mailboxId);
        }
    }

    public void MessagesChanged(long mailboxId, object? origin)
    {
        lock (_gate)
        {
            if (_overflow || !_interest.Contains(mailboxId))
            {
                return;
            }
            // true once any change came from another session: only those are worth a notification (§5).
            _dirty[mailboxId] = _dirty.GetValueOrDefault(mailboxId) || !ReferenceEquals(origin, self);
        }
        Signal();
    }

    public void NameChanged(string changedAccount, MailboxNameChange change, object? origin)
    {
        if (!changedAccount.Equals(account, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        lock (_gate)
        {
            if (_overflow)
            {
                return;
            }
            if (_names.Count >= Capacity)
            {
                _overflow = true;
                _names = [];
                _dirty = [];
            }
            else
            {
                _names.Add((change, ReferenceEquals(origin, self)));
            }
        }
        Signal();
    }

    /// <summary>Takes everything pending; after an overflow only the flag, once.</summary>
    public (bool Overflow, Dictionary<long, bool> Dirty, List<(MailboxNameChange Change, bool Own)> Names) Drain()
    {
        lock (_gate)
        {
            var taken = (_overflow, _dirty, _names);
            _dirty = [];
            _names = [];
            return taken;
        }
    }

    /// <summary>Completes when something was queued since the last wait (one wake-up covers any number).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signal.WaitAsync(cancellationToken);

    private void Signal()
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
            // Already signalled.
        }
        catch (ObjectDisposedException)
        {
            // A writer that took the listener list just before NOTIFY ended.
        }
    }

    public void Dispose() => _signal.Dispose();
}
