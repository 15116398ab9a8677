namespace MailHost.Server.Storage;

/// <summary>What happened to a mailbox name (RFC 5465 §5.4 MailboxName, §5.5 SubscriptionChange).</summary>
public enum MailboxNameKind
{
    Created,
    Deleted,
    Renamed,
    Subscribed,
    Unsubscribed,
}

/// <summary>One change to an account's mailbox names or subscriptions; <see cref="OldName"/> only for a rename.</summary>
public sealed record MailboxNameChange(MailboxNameKind Kind, string Name, string? OldName = null);

/// <summary>
/// Receives every change in the store, on the thread that made it: an implementation must only record
/// the change (bounded) and return, never block or do I/O, so a slow reader cannot slow the writer.
/// </summary>
public interface IMailboxListener
{
    /// <param name="origin">The session whose command made the change (<see cref="ChangeOrigin"/>), or null.</param>
    void MessagesChanged(long mailboxId, object? origin);

    void NameChanged(string account, MailboxNameChange change, object? origin);
}

/// <summary>
/// Which session's command is running in this async flow, so a listener can leave out the changes a
/// client made itself (RFC 5465 §5: "the server SHOULD omit notifying the client if the event is caused by this client").
/// </summary>
public static class ChangeOrigin
{
    private static readonly AsyncLocal<object?> Value = new();

    public static object? Current
    {
        get => Value.Value;
        set => Value.Value = value;
    }
}

/// <summary>Listeners over all mailboxes (IMAP NOTIFY sessions); the per-mailbox watches stay as they are.</summary>
public sealed partial class MailboxEvents
{
    private readonly Lock _listenerGate = new();
    private IMailboxListener[] _listeners = [];

    public IDisposable Listen(IMailboxListener listener)
    {
        lock (_listenerGate)
        {
            _listeners = [.. _listeners, listener];
        }
        return new Unlisten(this, listener);
    }

    /// <summary>Reports mailbox names created, deleted, renamed or (un)subscribed in an account.</summary>
    public void NameChanged(string account, IEnumerable<MailboxNameChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var origin = ChangeOrigin.Current;
        foreach (var change in changes)
        {
            NotifyListeners(l => l.NameChanged(account, change, origin));
        }
    }

    private void NotifyListeners(Action<IMailboxListener> action)
    {
        foreach (var listener in Volatile.Read(ref _listeners))
        {
            action(listener);
        }
    }

    private sealed class Unlisten(MailboxEvents events, IMailboxListener listener) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                lock (events._listenerGate)
                {
                    events._listeners = [.. events._listeners.Where(l => !ReferenceEquals(l, listener))];
                }
            }
        }
    }
}
