using System.Net;
using System.Net.Sockets;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>
/// Free loopback ports for test listeners, taken below the kernel's ephemeral range: a port handed out by
/// bind(0) can be taken again a moment later as the local port of some test's outgoing connection (the
/// idle-connection tests open thousands), and then the server's bind fails. Never the same port twice per run.
/// </summary>
public static class FreePorts
{
    private const int Low = 12000;
    private const int High = 32000;
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Low, High);
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException("no free port between 12000 and 32000");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
