using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Shared.Data;

namespace MailHost.Bench;

/// <summary>
/// Time from a settings save (the console's path: SettingsService in the server's process) to the
/// change being visible to a new connection: the SMTP banner of a fresh session.
/// </summary>
public static class ReloadLatency
{
    public static async Task<int> RunAsync(Options o)
    {
        var changes = o.Int("changes", 100);
        var dataDir = Path.Combine(Path.GetTempPath(), "mailhost-bench-reload-" + Guid.NewGuid().ToString("N"));
        MailHostDatabase.Migrate(dataDir);
        FirstRun.Seed(new MailHostOptions { DataDir = dataDir, Hostname = "bench.local", AdminPassword = "bench" }, TextWriter.Null);
        int port;
        await using (var db = new MailHostDbContext(MailHostDatabase.Options(dataDir)))
        {
            foreach (var l in db.Listeners)
            {
                l.Port = FreePort();
                l.BindAddress = "127.0.0.1";
            }
            port = db.Listeners.Local.Single(l => l.Name == "smtp").Port;
            await db.SaveChangesAsync();
        }
        var app = ServerHost.Build([$"--MailHost:DataDir={dataDir}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], TextWriter.Null);
        await app.StartAsync();
        var settings = app.Services.GetRequiredService<SettingsService>();
        var samples = new List<double>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        for (var i = 0; i < changes; i++)
        {
            var banner = $"bench-{i} ESMTP";
            var watch = Stopwatch.StartNew();
            await settings.UpdateAsync("bench", "banner", (d, _) => d.Server.Banner = banner, cts.Token);
            while (true)
            {
                await using var c = await BenchClient.ConnectAsync(port, cts.Token);
                if ((await c.ReadLineAsync(cts.Token)).Contains(banner, StringComparison.Ordinal))
                {
                    break;
                }
            }
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        await app.StopAsync();
        samples.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "reload",
            changes,
            medianMs = Math.Round(SmtpLoad.Percentile(samples, 0.5), 2),
            maxMs = Math.Round(samples[^1], 2),
        }));
        Directory.Delete(dataDir, true);
        return 0;
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
