using System.Collections.Concurrent;
using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>Durable acceptance: kill -9 under load, restart, and every acknowledged message is queued exactly once.</summary>
public sealed class SmtpCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigkill_During20Sessions_EveryAcknowledgedMessageQueuedExactlyOnce()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(SmtpWorld.Seed);
        try
        {
            var acknowledged = new ConcurrentDictionary<string, string>();
            await using (var server = await ExternalServer.StartAsync(dataDir, ports))
            {
                using var stop = new CancellationTokenSource();
                var sessions = Enumerable.Range(0, 20).Select(n => Task.Run(() => SendUntilFailureAsync(ports["smtp"], n, acknowledged, stop.Token))).ToArray();
                var watch = Stopwatch.StartNew();
                // Let the load run until a good number of messages are acknowledged, then pull the plug mid-flight.
                while (acknowledged.Count < 40 && watch.Elapsed < TimeSpan.FromSeconds(6))
                {
                    await Task.Delay(50);
                }
                output.WriteLine($"start-up {server.StartupTime.TotalSeconds:0.0} s; {acknowledged.Count} messages acknowledged in {watch.Elapsed.TotalSeconds:0.0} s before kill -9");
                await server.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(sessions).WaitAsync(TimeSpan.FromSeconds(10));
            }
            Assert.True(acknowledged.Count >= 20, $"only {acknowledged.Count} messages acknowledged before the kill");

            // Delivery paused after the restart: the count must not race with queue runners rewriting envelopes.
            await using (var restarted = await ExternalServer.StartAsync(dataDir, ports, new Dictionary<string, string> { ["MailHost__PauseDelivery"] = "true" }))
            {
                output.WriteLine($"restart {restarted.StartupTime.TotalSeconds:0.0} s");
                var queue = Path.Combine(dataDir, "queue");
                var counts = new Dictionary<string, int>();
                foreach (var envelope in Directory.EnumerateFiles(queue, "*.json"))
                {
                    var id = Path.GetFileNameWithoutExtension(envelope);
                    var content = await File.ReadAllTextAsync(Path.Combine(queue, id + ".eml"));
                    var token = content.Split("X-Token: ")[1].Split("\r\n")[0];
                    counts[token] = counts.GetValueOrDefault(token) + 1;
                }
                foreach (var (token, id) in acknowledged)
                {
                    Assert.True(counts.TryGetValue(token, out var c) && c == 1, $"message {token} (acknowledged as {id}) found {counts.GetValueOrDefault(token)} times");
                    Assert.True(File.Exists(Path.Combine(queue, id + ".json")), $"envelope {id} missing");
                }
                Assert.Empty(Directory.EnumerateFiles(queue, "*.tmp"));
            }
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    private static async Task SendUntilFailureAsync(int port, int session, ConcurrentDictionary<string, string> acknowledged, CancellationToken stop)
    {
        try
        {
            await using var client = await LineClient.ConnectAsync(port, timeout: TimeSpan.FromSeconds(5));
            await client.ReadSmtpReplyAsync();
            await client.SmtpAsync("EHLO load.example");
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var token = $"s{session}-m{i}";
                await client.SmtpAsync("MAIL FROM:<load@sender.example>");
                await client.SmtpAsync($"RCPT TO:<user{session}@remote.example>");
                await client.SmtpAsync("DATA");
                await client.SendAsync($"X-Token: {token}\r\nSubject: load\r\n\r\n{new string('x', 4000)}\r\n.\r\n");
                var reply = await client.ReadSmtpReplyAsync();
                if (reply[^1].StartsWith("250 2.0.0", StringComparison.Ordinal))
                {
                    acknowledged[token] = reply[^1][(reply[^1].LastIndexOf(' ') + 1)..];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server was killed: this session is over.
        }
    }
}
