using System.Collections.Concurrent;
using System.Net;

namespace MailHost.Server.Hosting;

/// <summary>
/// Counts open connections per remote address across all listeners, for the per-IP limit, and keeps
/// the live connections so a ban can close every session of the banned address at once.
/// </summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly ConcurrentDictionary<MailConnection, byte> _live = new();
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

    public void Attach(MailConnection connection) => _live.TryAdd(connection, 0);

    public void Detach(MailConnection connection) => _live.TryRemove(connection, out _);

    /// <summary>
    /// Cuts every open connection from <paramref name="address"/> except <paramref name="except"/>
    /// (the session that tripped the ban says goodbye itself). Sessions opened before a ban must not
    /// go on guessing passwords on their open connection. Returns how many were closed.
    /// </summary>
    public int AbortAddress(IPAddress address, MailConnection? except)
    {
        var closed = 0;
        foreach (var connection in _live.Keys)
        {
            if (!ReferenceEquals(connection, except) && connection.RemoteAddress.Equals(address))
            {
                connection.Abort();
                closed++;
            }
        }
        return closed;
    }
}
