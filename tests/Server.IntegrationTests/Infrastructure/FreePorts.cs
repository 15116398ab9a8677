using System.Net;
using System.Net.Sockets;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>Ports the kernel hands out for port 0, released for the server to bind (loopback only).</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
