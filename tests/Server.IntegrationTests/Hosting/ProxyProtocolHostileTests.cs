using System.Net;
using System.Net.Sockets;
using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>
/// Peers that talk to a PROXY listener directly instead of through haproxy: a header from an untrusted address,
/// garbage, an oversized v1 line, a header dribbled slowly, a truncated v2 header. Each is closed without a
/// single byte from MailHost, and a session already open through haproxy carries on.
/// </summary>
[Collection("haproxy")]
public sealed class ProxyProtocolHostileTests(ProxyProtocolFixture fixture)
{
    private static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.1");

    [Fact]
    public async Task HostileHeaders_ClosedWithoutBanner_BystanderUnharmed()
    {
        await using var bystander = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), ProxyProtocolFixture.Bystander);
        Assert.StartsWith("220", (await bystander.ReadSmtpReplyAsync())[^1]);
        await bystander.ExpectAsync("EHLO bystander.example", "250");

        // A well-formed header from a peer that is not the load balancer: never believed, never even read.
        Assert.Empty(await SendAndReadUntilClosedAsync(Untrusted, "px-smtp", "PROXY TCP4 127.0.0.5 127.0.0.1 4000 25\r\nEHLO x\r\n"u8.ToArray()));
        Assert.Empty(await SendAndReadUntilClosedAsync(Untrusted, "px-smtps", "PROXY TCP4 127.0.0.5 127.0.0.1 4000 465\r\n"u8.ToArray()));
        // From the trusted address, but not a PROXY header.
        Assert.Empty(await SendAndReadUntilClosedAsync(ProxyProtocolFixture.ProxySource, "px-smtp", "EHLO no-header.example\r\n"u8.ToArray()));
        Assert.Empty(await SendAndReadUntilClosedAsync(ProxyProtocolFixture.ProxySource, "px-imap", new byte[] { 0x16, 0x03, 0x01, 0x00, 0xF0, 0x01, 0x00, 0x00, 0xEC, 0x03, 0x03, 0x00, 0x00, 0x00 }));
        // A v1 line far over 107 bytes, and a v1 header on the v2-only listener.
        Assert.Empty(await SendAndReadUntilClosedAsync(ProxyProtocolFixture.ProxySource, "px-smtp", Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('9', 4000) + "\r\n")));
        Assert.Empty(await SendAndReadUntilClosedAsync(ProxyProtocolFixture.ProxySource, "px-smtp2", "PROXY TCP4 127.0.0.5 127.0.0.1 4000 25\r\n"u8.ToArray()));
        // A v2 header announcing 65535 bytes (over the limit) and one cut short by the peer closing its side.
        byte[] signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
        Assert.Empty(await SendAndReadUntilClosedAsync(ProxyProtocolFixture.ProxySource, "px-smtp2", [.. signature, 0x21, 0x11, 0xFF, 0xFF, .. new byte[600]]));
        Assert.Empty(await SendAndReadUntilClosedAsync(ProxyProtocolFixture.ProxySource, "px-smtp2", [.. signature, 0x21, 0x11, 0x00, 0x0C, 127, 0], closeSend: true));

        Assert.StartsWith("250", (await bystander.SmtpAsync("NOOP"))[^1]);
    }

    [Fact]
    public async Task V2Local_FromTheProxy_KeepsTheProxyAddress()
    {
        // LOCAL is the proxy speaking for itself (a health check): the session runs as 127.0.0.9, with a TLV skipped.
        byte[] local = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x07, 0x04, 0x00, 0x04, 0, 0, 0, 0];
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(ProxyProtocolFixture.ProxySource, 0));
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Direct("px-smtp2"));
        await socket.SendAsync(local);
        await socket.SendAsync("EHLO health.example\r\nQUIT\r\n"u8.ToArray());
        var text = Encoding.ASCII.GetString(await ReadUntilClosedAsync(socket));
        Assert.StartsWith("220", text);
        Assert.Contains("[127.0.0.9]", text);
    }

    [Fact]
    public async Task SlowlorisHeader_CutOffAtTheTimeout_BystanderUnharmed()
    {
        await using var bystander = await LineClient.ConnectAsync(fixture.ViaProxy("px-imap"), ProxyProtocolFixture.Bystander);
        Assert.StartsWith("* OK", await bystander.ReadLineAsync());

        // Ten trusted-address connections that dribble one byte a second and never finish the header.
        var slow = Enumerable.Range(0, 10).Select(_ => DribbleAsync(ProxyProtocolFixture.ProxySource, "px-smtp")).ToList();
        // Meanwhile new clients through haproxy are served.
        await using (var fresh = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), ProxyProtocolFixture.Bystander))
        {
            Assert.StartsWith("220", (await fresh.ReadSmtpReplyAsync())[^1]);
        }
        foreach (var (received, sent) in await Task.WhenAll(slow))
        {
            Assert.Empty(received);
            // Closed by MailHost long before the dribbler would have sent the whole 46-byte line.
            Assert.InRange(sent, 1, 30);
        }
        Assert.StartsWith("a OK", (await ImapAsync(bystander, "a NOOP"))[^1]);
    }

    private static async Task<List<string>> ImapAsync(LineClient client, string command)
    {
        await client.SendLineAsync(command);
        var lines = new List<string>();
        while (await client.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.StartsWith(command[..2], StringComparison.Ordinal))
            {
                break;
            }
        }
        return lines;
    }

    /// <summary>Sends <paramref name="bytes"/> directly to MailHost, then returns everything it sent before closing.</summary>
    private async Task<byte[]> SendAndReadUntilClosedAsync(IPAddress source, string listener, byte[] bytes, bool closeSend = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Direct(listener));
        try
        {
            await socket.SendAsync(bytes);
            if (closeSend)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (SocketException)
        {
            // The server may already have closed (an untrusted peer is cut before we finish writing).
        }
        return await ReadUntilClosedAsync(socket);
    }

    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) is var n and > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }
        return [.. received];
    }

    private async Task<(byte[] Received, int Sent)> DribbleAsync(IPAddress source, string listener)
    {
        var header = "PROXY TCP4 127.0.0.5 127.0.0.1 40000 25\r\nEHLO x\r\n"u8.ToArray();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Direct(listener));
        var reading = ReadUntilClosedAsync(socket);
        var sent = 0;
        while (sent < header.Length && !reading.IsCompleted)
        {
            try
            {
                await socket.SendAsync(header.AsMemory(sent, 1));
            }
            catch (SocketException)
            {
                break;
            }
            sent++;
            await Task.WhenAny(reading, Task.Delay(1000));
        }
        return (await reading, sent);
    }
}
