using System.Net;
using System.Net.Sockets;

namespace MailHost.Server.Delivery;

/// <summary>
/// The TCP connection to the exact address the attempt chose (MailKit would resolve the host name again),
/// from the configured local address, within the connect timeout. MailKit takes the socket over.
/// </summary>
internal static class OutboundSocket
{
    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint, IPAddress? bind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            if (bind is not null)
            {
                socket.Bind(new IPEndPoint(bind, 0));
            }
            await socket.ConnectAsync(endPoint, cts.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no connection within {timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
