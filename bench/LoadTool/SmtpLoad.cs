using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace MailHost.Bench;

/// <summary>N sessions sending M messages in total, one transaction after another, optionally over TLS.</summary>
public static class SmtpLoad
{
    public static async Task<int> RunAsync(Options o)
    {
        var port = o.Int("port", 25);
        var tls = o.Get("tls", "none");
        var sessions = o.Int("sessions", 20);
        var messages = o.Int("messages", 5000);
        var size = o.Int("size", 4096);
        var from = o.Get("from", "bench@bench.local");
        var to = o.Get("to", "sink@remote.example");
        var auth = o.Get("auth", "");
        var body = Body(size, from, to);
        var latencies = new List<double>(messages);
        var remaining = messages;
        var failures = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async _ =>
        {
            await using var c = await BenchClient.ConnectAsync(port, cts.Token);
            if (tls == "implicit")
            {
                await c.TlsAsync(cts.Token);
            }
            await c.ReplyAsync(cts.Token);
            await c.CommandAsync("EHLO load.bench.local", cts.Token);
            if (tls == "starttls")
            {
                await c.CommandAsync("STARTTLS", cts.Token);
                await c.TlsAsync(cts.Token);
                await c.CommandAsync("EHLO load.bench.local", cts.Token);
            }
            if (auth.Length > 0)
            {
                var colon = auth.IndexOf(':', StringComparison.Ordinal);
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{auth[..colon]}\0{auth[(colon + 1)..]}"));
                if (!(await c.CommandAsync($"AUTH PLAIN {token}", cts.Token)).StartsWith("235", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("AUTH failed");
                }
            }
            var mine = new List<double>();
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                // A refused MAIL/RCPT/DATA is a counted failure, never a reason to send the body as commands
                // (the server would rightly drop the session for it).
                var ok = (await c.CommandAsync($"MAIL FROM:<{from}>", cts.Token)).StartsWith('2')
                    && (await c.CommandAsync($"RCPT TO:<{to}>", cts.Token)).StartsWith('2')
                    && (await c.CommandAsync("DATA", cts.Token)).StartsWith('3');
                if (ok)
                {
                    await c.WriteAsync(body, cts.Token);
                    var sent = Stopwatch.GetTimestamp();
                    ok = (await c.ReplyAsync(cts.Token)).StartsWith('2');
                    mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                else
                {
                    await c.CommandAsync("RSET", cts.Token);
                }
                if (!ok)
                {
                    Interlocked.Increment(ref failures);
                }
            }
            await c.CommandAsync("QUIT", cts.Token);
            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        latencies.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "smtp",
            tls,
            sessions,
            messages,
            failures,
            seconds = Math.Round(seconds, 3),
            messagesPerSecond = Math.Round(messages / seconds, 1),
            p50Ms = Math.Round(Percentile(latencies, 0.50), 2),
            p99Ms = Math.Round(Percentile(latencies, 0.99), 2),
        }));
        return failures == 0 ? 0 : 1;
    }

    private static byte[] Body(int size, string from, string to)
    {
        var sb = new StringBuilder($"From: {from}\r\nTo: {to}\r\nSubject: load\r\n\r\n");
        while (sb.Length < size)
        {
            sb.Append("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef\r\n");
        }
        sb.Append(".\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
