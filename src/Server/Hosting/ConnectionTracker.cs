using System.Collections.Concurrent;
using System.Net;

namespace MailHost.Server.Hosting;

/// <summary>Counts open connections per remote address across all listeners, for the per-IP limit.</summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public int Open(IPAddress address)
    {
        Interlocked.Increment(ref _total);
        return _perAddress.AddOrUpdate(address, 1, (_, n) => n + 1);
    }

    public void Close(IPAddress address)
    {
        Interlocked.Decrement(ref _total);
        while (_perAddress.TryGetValue(address, out var n))
        {
            if (n <= 1 ? _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, n)) : _perAddress.TryUpdate(address, n - 1, n))
            {
                return;
            }
        }
    }
}
