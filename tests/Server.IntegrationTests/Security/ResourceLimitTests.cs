using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Slow-loris clients (one byte per second, never finishing a line) are dropped at the listener's
/// idle timeout (SMTP here: the validator keeps IMAP at >= 30 min and POP3 at >= 10 min, RFC 9051 §5.4 /
/// RFC 1939 §3, too long for a test; their sessions use the same per-command deadline); 2,000 idle connections against the real process are held up
/// to the listener's MaxConnections and the rest refused with 421 4.7.0, MaxConnectionsPerIp refuses
/// the connection over the limit, and the process's resident memory stays under a measured bound.
/// </summary>
public sealed class ResourceLimitTests(ITestOutputHelper output)
{
    private const int IdleSeconds = 10;

    [Fact]
    public async Task SlowLoris_OneBytePerSecond_DroppedAtIdleTimeout()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Listeners.Local.Single(l => l.Name == "smtp").IdleTimeoutSeconds = IdleSeconds;
        });
        // Several at once, one in the middle of a command after a complete one.
        var results = await Task.WhenAll(
            SlowLorisAsync(server.Port("smtp"), "", "EHLO slowloris.example.with.a.long.name.that.never.ends"),
            SlowLorisAsync(server.Port("smtp"), "EHLO x\r\n", "MAIL FROM:<slow@loris.example.never.ending.address.never.ending>"),
            SlowLorisAsync(server.Port("smtp"), "", "NOOP never ending noop argument never ending noop argument"));
        foreach (var elapsed in results)
        {
            output.WriteLine($"SMTP slow-loris dropped after {elapsed.TotalSeconds:0.0} s");
            Assert.InRange(elapsed, TimeSpan.FromSeconds(IdleSeconds - 1), TimeSpan.FromSeconds(IdleSeconds + 5));
        }
    }

    /// <summary>Reads the greeting, then trickles one byte a second; returns when the server closed the connection.</summary>
    private static async Task<TimeSpan> SlowLorisAsync(int port, string prefix, string text)
    {
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
        var stream = tcp.GetStream();
        var buffer = new byte[4096];
        Assert.True(await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0);
        if (prefix.Length > 0)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(prefix));
            await Task.Delay(500);
            Assert.True(await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0);
        }
        var watch = Stopwatch.StartNew();
        var read = stream.ReadAsync(buffer).AsTask();
        foreach (var b in Encoding.ASCII.GetBytes(text + text + text))
        {
            if (read.IsCompleted || watch.Elapsed > TimeSpan.FromSeconds(IdleSeconds + 10))
            {
                break;
            }
            try
            {
                await stream.WriteAsync(new[] { b });
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(read, Task.Delay(1000));
        }
        // The server may say goodbye (421 / * BYE / -ERR) before closing: read until end of stream.
        try
        {
            while (await read.WaitAsync(TimeSpan.FromSeconds(20)) > 0)
            {
                read = stream.ReadAsync(buffer).AsTask();
            }
        }
        catch (IOException)
        {
            // Reset by peer also means dropped.
        }
        return watch.Elapsed;
    }

    [Fact]
    public async Task ManyIdleConnections_HeldUpToLimits_RestRefused421_MemoryBounded()
    {
        // IDLE_CONNECTIONS=10000 by hand for the issue's full figure; CI opens 2,000.
        var total = int.TryParse(Environment.GetEnvironmentVariable("IDLE_CONNECTIONS"), out var n) && n >= 400 ? n / 200 * 200 : 2000;
        var listenerLimit = total * 3 / 4;
        const int perIpLimit = 200;
        var addresses = total / perIpLimit;
        var (dataDir, ports) = await TestDataDir.CreateAsync(db =>
        {
            db.Listeners.Local.Single(l => l.Name == "smtp").MaxConnections = listenerLimit;
            db.ServerSettings.Single().MaxConnectionsPerIp = perIpLimit;
        });
        var clients = new List<TcpClient>();
        try
        {
            await using var server = await ExternalServer.StartAsync(dataDir, ports);
            await Task.Delay(500);
            var baseline = ServerProcessMemory.RssKb(server.ProcessId);

            // Per address: one over the limit from 127.1.1.1 on the submission listener gets 421 4.7.0.
            var perIp = new List<string>();
            for (var i = 0; i <= perIpLimit; i++)
            {
                perIp.Add(await OpenAsync(ports["submission"], IPAddress.Parse("127.1.1.1"), clients));
            }
            Assert.True(perIp.Take(perIpLimit).All(g => g.StartsWith("220", StringComparison.Ordinal)),
                $"greetings: {string.Join(" | ", perIp.Take(perIpLimit).Where(g => !g.StartsWith("220", StringComparison.Ordinal)).Select(g => $"'{g}'"))}; server said: {server.Output}");
            Assert.StartsWith("421 4.7.0", perIp[^1]);
            CloseAll(clients);
            await Task.Delay(1000);

            // Per listener: 2,000 from ten addresses (200 each, at the per-address limit) to a listener holding 1,500.
            var watch = Stopwatch.StartNew();
            var greetings = new List<string>();
            for (var i = 0; i < total; i++)
            {
                greetings.Add(await OpenAsync(ports["smtp"], IPAddress.Parse($"127.1.{i % addresses / 250}.{1 + (i % addresses % 250)}"), clients));
            }
            var held = greetings.Count(g => g.StartsWith("220", StringComparison.Ordinal));
            var refused = greetings.Count(g => g.StartsWith("421 4.7.0", StringComparison.Ordinal));
            Assert.Equal(listenerLimit, held);
            Assert.Equal(total - listenerLimit, refused);
            var loaded = ServerProcessMemory.RssKb(server.ProcessId);
            var perConnectionKb = (loaded - baseline) / (double)held;
            output.WriteLine($"{total} connections opened in {watch.Elapsed.TotalSeconds:0.0} s");
            output.WriteLine($"VmRSS idle {baseline / 1024} MB, with {held} idle connections {loaded / 1024} MB: {perConnectionKb:0.0} KB per connection");
            // Documented bound (SECURITY.md): 60 KB per held connection on top of 300 MB.
            Assert.True(loaded < held * 60 + 300 * 1024, $"VmRSS {loaded} KB with {held} connections");
            // The held ones are still served.
            var probe = clients[0].GetStream();
            await probe.WriteAsync("NOOP\r\n"u8.ToArray());
            var buffer = new byte[256];
            var got = await probe.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.StartsWith("250", Encoding.ASCII.GetString(buffer, 0, got));
        }
        finally
        {
            CloseAll(clients);
            TestDataDir.Delete(dataDir);
        }
    }

    private static async Task<string> OpenAsync(int port, IPAddress source, List<TcpClient> clients)
    {
        var tcp = new TcpClient(new IPEndPoint(source, 0));
        clients.Add(tcp);
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
        var buffer = new byte[512];
        var n = await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.ASCII.GetString(buffer, 0, n);
    }

    private static void CloseAll(List<TcpClient> clients)
    {
        foreach (var c in clients)
        {
            c.Dispose();
        }
        clients.Clear();
    }
}
