using System.Collections.Concurrent;

namespace MailHost.Server.Queue;

/// <summary>
/// One async lock per spooled message, shared by the local and remote delivery workers (and anything
/// else in the process that rewrites an envelope). Holders re-read the envelope after acquiring, change
/// only their own recipients, and write it back before releasing, so neither worker loses the other's updates.
/// </summary>
public static class SpoolLocks
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    public static async Task<IDisposable> AcquireAsync(string messageId, CancellationToken cancellationToken)
    {
        var gate = Locks.GetOrAdd(messageId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    /// <summary>Drops the lock of a message that has left the spool (call while holding it).</summary>
    public static void Forget(string messageId) => Locks.TryRemove(messageId, out _);

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
