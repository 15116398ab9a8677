using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>Postfix's smtp-source as the load generator: every message it sends must be queued once.</summary>
public sealed class SmtpLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SmtpSource_20Sessions_AllMessagesQueued()
    {
        // smtp-source opens a new connection per message; the old one may still be closing on our side.
        await using var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            db.ServerSettings.Single().MaxConnectionsPerIp = 100;
        });
        const int messages = 300;
        var watch = Stopwatch.StartNew();
        var (code, text) = await ExternalTool.RunAsync("/usr/sbin/smtp-source",
            ["-c", "-s", "20", "-m", messages.ToString(), "-l", "4096", "-f", "load@sender.example", "-t", "sink@remote.example", $"127.0.0.1:{server.Port("smtp")}"], timeoutSeconds: 60);
        watch.Stop();
        Assert.True(code == 0, text);
        var queued = server.Spool().ListIds().Count();
        output.WriteLine($"smtp-source: {messages} x 4 KB over 20 sessions in {watch.Elapsed.TotalSeconds:0.00} s = {messages / watch.Elapsed.TotalSeconds:0} msg/s (fsync per message)");
        Assert.Equal(messages, queued);
    }
}
