using System.Text.Json;

namespace MailHost.Bench;

/// <summary>Opens N connections, reads each greeting, then reports the server's resident memory (VmRSS of --pid).</summary>
public static class IdleLoad
{
    public static async Task<int> RunAsync(Options o)
    {
        var port = o.Int("port", 143);
        var count = o.Int("count", 1000);
        var match = o.Get("match", "");
        var pid = o.Int("pid", 0);
        var protocol = o.Get("protocol", "imap");
        var before = Rss(pid, match);
        var clients = new List<BenchClient>(count);
        var refused = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var gate = new SemaphoreSlim(64);
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(cts.Token);
            try
            {
                using var perConnection = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                perConnection.CancelAfter(TimeSpan.FromSeconds(10));
                var c = await BenchClient.ConnectAsync(port, perConnection.Token);
                var greeting = await c.ReadLineAsync(perConnection.Token);
                if (protocol == "imap" ? greeting.StartsWith("* OK", StringComparison.Ordinal) : greeting.StartsWith("220", StringComparison.Ordinal))
                {
                    return c;
                }
                Interlocked.Increment(ref refused);
                await c.DisposeAsync();
                return null;
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                // Refused, reset, or never greeted in time (a peer at its process limit queues connections).
                Interlocked.Increment(ref refused);
                return null;
            }
            finally
            {
                gate.Release();
            }
        }));
        clients.AddRange(opened.OfType<BenchClient>());
        await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
        var after = Rss(pid, match);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "idle",
            protocol,
            requested = count,
            held = clients.Count,
            refused,
            rssBeforeKb = before,
            rssAfterKb = after,
            kbPerConnection = clients.Count == 0 ? 0 : Math.Round((after - before) / (double)clients.Count, 1),
        }));
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
        return 0;
    }

    /// <summary>VmRSS in KB of one process, or summed over every process whose name is in <paramref name="match"/> (Postfix and Dovecot fork per connection).</summary>
    public static long Rss(int pid, string match)
    {
        var names = match.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var pids = names.Length == 0
            ? (pid == 0 ? [] : [pid])
            : Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit)).Select(d => int.Parse(d!, CultureInfo.InvariantCulture))
                .Where(p => { try { return names.Contains(File.ReadAllText($"/proc/{p}/comm").Trim()); } catch (IOException) { return false; } }).ToArray();
        long total = 0;
        foreach (var p in pids)
        {
            try
            {
                var line = File.ReadAllLines($"/proc/{p}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return total;
    }
}
