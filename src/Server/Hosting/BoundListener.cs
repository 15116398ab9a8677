using System.Net.Sockets;
using MailHost.Server.Hosting.Proxy;
using MailHost.Server.Logging;
using MailHost.Server.Settings;
using MailHost.Server.Tls;

namespace MailHost.Server.Hosting;

/// <summary>One listening socket and its accept loop. Unbinding stops accepting; sessions already running finish.</summary>
internal sealed class BoundListener(
    ListenerSpec spec,
    Socket socket,
    SettingsSnapshotProvider settings,
    IReadOnlyList<IConnectionHandler> handlers,
    TlsUpgrader tls,
    ConnectionTracker tracker,
    ILogger logger,
    ActivityLog activity,
    CancellationToken shutdown) : IDisposable
{
    private readonly CancellationTokenSource _stopAccepting = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _connections;

    /// <summary>Settings that do not change the binding (limits, auth, policy) are swapped in place.</summary>
    public ListenerSpec Spec { get; set; } = spec;
    public int Connections => Volatile.Read(ref _connections);

    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    public static Socket Bind(ListenerSpec spec) => Bind(spec, null);

    /// <summary>Binds <paramref name="spec"/>; a listener on "any" binds <paramref name="listenAddress"/> instead when given (MailHost:ListenAddress).</summary>
    public static Socket Bind(ListenerSpec spec, System.Net.IPAddress? listenAddress)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var endPoint = listenAddress is not null && (spec.EndPoint.Address.Equals(System.Net.IPAddress.Any) || spec.EndPoint.Address.Equals(System.Net.IPAddress.IPv6Any))
            ? new System.Net.IPEndPoint(listenAddress, spec.EndPoint.Port)
            : spec.EndPoint;
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(System.Net.IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            // SO_REUSEADDR alone lets a restarted server rebind while old connections sit in TIME_WAIT and
            // still refuses a second live listener. .NET's ReuseAddress option also sets SO_REUSEPORT on
            // Linux, which let two listeners (or two servers) share one port and split its connections.
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
            socket.Bind(endPoint);
            socket.Listen(1024);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start() => _acceptLoop = AcceptLoopAsync();

    public async Task UnbindAsync()
    {
        await _stopAccepting.CancelAsync();
        socket.Dispose();
        await _acceptLoop;
    }

    public void Dispose() => _stopAccepting.Dispose();

    private async Task AcceptLoopAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopAccepting.Token, shutdown);
        while (!linked.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await socket.AcceptAsync(linked.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                HostingLog.AcceptFailed(logger, Spec.Name, ex.SocketErrorCode.ToString());
                continue;
            }
            _ = Task.Run(() => RunSessionAsync(client), CancellationToken.None);
        }
    }

    private async Task RunSessionAsync(Socket client)
    {
        var spec = Spec;
        var snapshot = settings.Current;
        client.NoDelay = true;
        MailConnection connection;
        try
        {
            connection = new MailConnection(client, spec, snapshot, () => settings.Current, tls, shutdown);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            client.Dispose();
            return;
        }
        // Counted from accept: connections still sending their PROXY header hold a slot of the listener's limit.
        var here = Interlocked.Increment(ref _connections);
        await using (connection)
        {
            try
            {
                if (spec.ProxyProtocol == ProxyProtocolMode.Off || await AcceptProxyHeaderAsync(connection, spec))
                {
                    await ServeAsync(connection, spec, snapshot, here);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
            {
                HostingLog.SessionEnded(logger, spec.Name, connection.RemoteEndPoint.ToString(), ex.Message);
            }
            catch (Exception ex)
            {
                // A bug in a session must never take the listener or the process down.
                HostingLog.SessionCrashed(logger, spec.Name, connection.RemoteEndPoint.ToString(), ex);
            }
            finally
            {
                Interlocked.Decrement(ref _connections);
            }
        }
    }

    /// <summary>
    /// Before any banner or TLS byte: only a trusted load balancer may name the client, and it must do so at once.
    /// Anything else is closed silently; a header from an untrusted peer is never read, let alone believed.
    /// </summary>
    private async Task<bool> AcceptProxyHeaderAsync(MailConnection connection, ListenerSpec spec)
    {
        var peer = connection.RemoteEndPoint.ToString();
        if (!ProxySources.Contains(spec.ProxyTrustedSources, connection.RemoteAddress))
        {
            HostingLog.ProxyUntrusted(logger, spec.Name, peer);
            return false;
        }
        try
        {
            var header = await ProxyHeaderReader.ReadAsync(connection.Stream, spec.ProxyProtocol, ProxyHeaderReader.DefaultTimeout, shutdown);
            connection.UseProxyHeader(header);
            HostingLog.ProxyClient(logger, spec.Name, peer, connection.RemoteEndPoint.ToString(), header.Version);
            return true;
        }
        catch (ProxyHeaderException ex)
        {
            HostingLog.ProxyHeaderRefused(logger, spec.Name, peer, ex.Message);
            return false;
        }
    }

    /// <summary>The session proper, once the client address is known: per-IP limits, implicit TLS, the protocol handler.</summary>
    private async Task ServeAsync(MailConnection connection, ListenerSpec spec, MailHostSnapshot snapshot, int here)
    {
        var address = connection.RemoteAddress;
        var perIp = tracker.Open(address);
        tracker.Attach(connection);
        try
        {
            if (here > spec.MaxConnections)
            {
                connection.Refusal = ConnectionRefusal.TooManyConnections;
            }
            else if (perIp > snapshot.Server.MaxConnectionsPerIp)
            {
                connection.Refusal = ConnectionRefusal.TooManyFromAddress;
            }
            if (spec.TlsMode == TlsMode.ImplicitTls)
            {
                try
                {
                    await connection.UpgradeToTlsAsync(shutdown);
                }
                catch when (connection.TlsFailure is not null)
                {
                    // No session runs after a failed implicit-TLS handshake: the listener writes its TLS log row.
                    var row = new TlsLogEntry
                    {
                        TimeUtc = DateTime.UtcNow,
                        Listener = spec.Name,
                        RemoteEndpoint = connection.RemoteEndPoint.ToString(),
                        Protocol = spec.Protocol.ToString(),
                    };
                    connection.DescribeTls(row);
                    activity.Add(row);
                    throw;
                }
            }
            var handler = handlers.FirstOrDefault(h => h.Handles(spec.Protocol));
            if (handler is not null)
            {
                await handler.RunAsync(connection, shutdown);
            }
        }
        finally
        {
            tracker.Detach(connection);
            tracker.Close(address);
        }
    }
}
