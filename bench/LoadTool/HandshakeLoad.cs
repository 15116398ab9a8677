using System.Diagnostics;
using System.Text.Json;

namespace MailHost.Bench;

/// <summary>Full TCP connect + TLS handshake + close, as fast as C concurrent clients can, for S seconds.</summary>
public static class HandshakeLoad
{
    public static async Task<int> RunAsync(Options o)
    {
        var port = o.Int("port", 465);
        var concurrency = o.Int("concurrency", 8);
        var seconds = o.Int("seconds", 10);
        long done = 0;
        long failed = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await using var c = await BenchClient.ConnectAsync(port, timeout.Token);
                    await c.TlsAsync(timeout.Token);
                    Interlocked.Increment(ref done);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "handshake",
            concurrency,
            handshakes = done,
            failed,
            handshakesPerSecond = Math.Round(done / watch.Elapsed.TotalSeconds, 1),
        }));
        return 0;
    }
}
