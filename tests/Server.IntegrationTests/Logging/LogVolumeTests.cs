using MailHost.Admin.Web.Backend;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Logging;

/// <summary>
/// Issue 11 item 11: one client's flood must not grow settings.db, logs.db stays within retention,
/// drops are counted and shown, and admin-relevant records (AUTH failures) survive the flood.
/// </summary>
public sealed class LogVolumeTests(ITestOutputHelper output)
{
    private static long SizeOf(string dataDir, string name) =>
        new[] { name, name + "-wal" }.Select(f => Path.Combine(dataDir, f)).Where(File.Exists).Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task SmtpSourceFlood_SettingsDbUnchanged_DropsCounted_AuthFailuresKept()
    {
        // A writer queue of 20 records stands for a server whose log writer falls behind a flood.
        await using var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            db.ServerSettings.Single().MaxConnectionsPerIp = 100;
        }, "--MailHost:ActivityLogCapacity=20", "--MailHost:PauseDelivery=true");
        var activity = server.Services.GetRequiredService<ActivityLog>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await activity.FlushAsync(cts.Token);
        await Task.Delay(500, cts.Token);
        var settingsBefore = SizeOf(server.DataDir, "settings.db");

        const int messages = 1500;
        var flood = ExternalTool.RunAsync("/usr/sbin/smtp-source",
            ["-c", "-s", "20", "-m", messages.ToString(), "-l", "200", "-f", "flood@sender.example", "-t", "alice@example.com", $"127.0.0.1:{server.Port("smtp")}"], timeoutSeconds: 100);
        // Three wrong passwords (below the ban limit of 5) while the flood runs.
        var failures = Enumerable.Range(0, 3).Select(i => ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("submission").ToString(), "--from", "bob@example.com", "--to", "alice@example.com",
             "--tls", "--auth", "PLAIN", "--auth-user", $"bob{i}@example.com", "--auth-password", "wrong", "--timeout", "30", "--quit-after", "AUTH"])).ToList();
        var (code, text) = await flood;
        Assert.True(code == 0, text);
        foreach (var f in failures)
        {
            var (_, swaks) = await f;
            Assert.Contains("535", swaks);
        }
        await activity.FlushAsync(cts.Token);

        var losses = server.Services.GetRequiredService<ILiveLog>().Losses;
        output.WriteLine($"dropped routine {losses.DroppedRoutine}, admin-relevant {losses.DroppedImportant}, write failures {losses.WriteFailures}");
        Assert.True(losses.DroppedRoutine > 0, "the flood overflowed a 20-record queue: drops must be counted");
        Assert.Equal(0, losses.DroppedImportant);

        await using (var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir)))
        {
            var failed = await logs.TlsLog.Where(e => e.AuthResult == "failure").Select(e => e.AuthUser).ToListAsync(cts.Token);
            Assert.Equal(["bob0@example.com", "bob1@example.com", "bob2@example.com"], failed.Order());
            var written = await logs.DeliveryLog.CountAsync(cts.Token) + await logs.TlsLog.CountAsync(cts.Token);
            output.WriteLine($"{written} rows written of {messages * 2 + 3} produced");
        }
        // settings.db plus its WAL must not grow: the WAL may shrink (SQLite checkpoints and removes it when
        // the last connection closes), but a thousand log rows written there would add hundreds of KB.
        var settingsAfter = SizeOf(server.DataDir, "settings.db");
        Assert.True(settingsAfter <= settingsBefore, $"settings.db grew from {settingsBefore} to {settingsAfter} bytes during the flood");
    }

    [Fact]
    public async Task Retention_TrimsByAgeAndSize_LogsDbStaysWithinTheLimit()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            db.ServerSettings.Single().LogRetentionMegabytes = 1;
            db.ServerSettings.Single().LogRetentionDays = 30;
        }, "--MailHost:LogRetentionIntervalSeconds=3600");
        var activity = server.Services.GetRequiredService<ActivityLog>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var old = DateTime.UtcNow.AddDays(-40);
        activity.Add(new DeliveryLogEntry { TimeUtc = old, QueueId = "old-row", Result = "delivered", Recipient = "a@example.com" });
        activity.Add(new TlsLogEntry { TimeUtc = old, Listener = "smtp", RemoteEndpoint = "old-row" });
        var reason = new string('r', 300);
        for (var i = 0; i < 12_000; i++)
        {
            activity.Add(new DeliveryLogEntry { TimeUtc = DateTime.UtcNow, QueueId = "q" + i, Result = "delivered", Recipient = $"user{i}@example.com", Reason = reason });
        }
        await activity.FlushAsync(cts.Token);
        var before = SizeOf(server.DataDir, LogsDatabase.FileName);
        output.WriteLine($"logs.db before retention: {before / 1024} KB");
        Assert.True(before > 2 * 1024 * 1024, "the test must put more than the limit into logs.db");

        var job = server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<LogRetentionJob>().Single();
        Assert.True(await job.RunOnceAsync(cts.Token) > 0);

        var after = SizeOf(server.DataDir, LogsDatabase.FileName);
        output.WriteLine($"logs.db after retention: {after / 1024} KB");
        Assert.True(after <= 1024 * 1024 * 1.1, $"logs.db is {after} bytes after retention with a 1 MB limit");
        await using var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir));
        Assert.False(await logs.DeliveryLog.AnyAsync(e => e.QueueId == "old-row", cts.Token));
        Assert.False(await logs.TlsLog.AnyAsync(e => e.RemoteEndpoint == "old-row", cts.Token));
        // Oldest first: the newest rows are kept.
        Assert.True(await logs.DeliveryLog.AnyAsync(e => e.QueueId == "q11999", cts.Token));
        Assert.False(await logs.DeliveryLog.AnyAsync(e => e.QueueId == "q0", cts.Token));
    }
}
