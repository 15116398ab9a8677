using System.Net;
using System.Net.Sockets;

namespace MailHost.Server.Acme;

/// <summary>
/// A listening socket bound on first use and kept until shutdown, with an accept loop that hands every
/// connection to <paramref name="serve"/>. A failed connection never stops the loop; a failed bind
/// is reported to the caller (the order then fails with that reason) and retried on the next order.
/// </summary>
internal sealed class AcmeResponderSocket(string bindAddress, int port, Func<Socket, CancellationToken, Task> serve, ILogger logger) : IAsyncDisposable
{
    // Validation servers open a handful of connections; a bound on concurrent ones keeps a flood cheap.
    private const int MaxConcurrent = 32;

    private readonly SemaphoreSlim _bindLock = new(1, 1);
    private readonly SemaphoreSlim _slots = new(MaxConcurrent, MaxConcurrent);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task? _loop;

    public int Port => port;

    public async Task EnsureBoundAsync()
    {
        await _bindLock.WaitAsync();
        try
        {
            if (_socket is not null)
            {
                return;
            }
            var address = IPAddress.Parse(bindAddress);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(64);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new AcmeException($"cannot listen on {bindAddress} port {port} for the ACME challenge: {ex.Message}");
            }
            _socket = socket;
            _loop = Task.Run(() => AcceptLoopAsync(socket));
        }
        finally
        {
            _bindLock.Release();
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                logger.LogDebug(ex, "ACME responder accept failed on port {Port}", port);
                continue;
            }
            if (!await _slots.WaitAsync(0))
            {
                client.Dispose();
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    await serve(client, timeout.Token);
                }
                catch (Exception ex)
                {
                    logger.LogDebug(ex, "ACME responder connection on port {Port} failed", port);
                }
                finally
                {
                    client.Dispose();
                    _slots.Release();
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket?.Dispose();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
        _bindLock.Dispose();
    }
}
