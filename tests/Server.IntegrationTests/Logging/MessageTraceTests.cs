using System.Text.RegularExpressions;
using MailHost.Server.Auth;
using MailHost.Server.Cli;
using MailHost.Server.IntegrationTests.Delivery;
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
/// Issue 14 defect 3: a message sent with swaks is followed by `mailhost trace` from intake to its
/// delivery, by queue id and by Message-ID alike — to a local mailbox and relayed to a real Postfix.
/// </summary>
public sealed partial class MessageTraceTests(ITestOutputHelper output)
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;
    private const string Host = "mx1.example.test";

    [GeneratedRegex(@"queued as (\w+)")]
    private static partial Regex QueuedAs();

    [Fact]
    public async Task Swaks_LocalAndRelayedToPostfix_TraceFollowsEachToItsDelivery()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Mx("example.test", Host, 10), DnsmasqServer.Address(Host, "127.0.0.1")]);
        var caFile = Path.Combine(Path.GetTempPath(), $"mailhost-ca-{Guid.NewGuid():N}.pem");
        using var postfix = await PostfixPeer.StartAsync(TestCertificates.CaSigned(Host, caFile), Host);
        var hash = PasswordHasher.Hash(SmtpWorld.Password);
        await using var server = await DeliveryHarness.StartAsync(dns, postfix.Port, db =>
        {
            db.Accounts.Local.Single(a => a.Address == Sender).PasswordHash = hash;
            db.Accounts.Add(new Account { Address = "carol@" + DeliveryHarness.LocalDomain, PasswordHash = hash });
            db.RelayRules.Add(new RelayRule
            {
                Name = "example-verify",
                Order = 1,
                Action = RelayAction.Route,
                RecipientDomain = "example.test",
                SmartHost = Host,
                SmartHostPort = postfix.Port,
                OutboundTls = OutboundTlsLevel.Verify,
            });
        }, $"--MailHost:OutboundTrustedCaFile={caFile}");

        var local = await SendAsync(server, "carol@" + DeliveryHarness.LocalDomain);
        var relayed = await SendAsync(server, "bob@example.test");
        await postfix.Sink.WaitForMessageAsync(TimeSpan.FromSeconds(30));
        await WaitForResultAsync(server, local, "delivered");
        await WaitForResultAsync(server, relayed, "delivered");

        var localTrace = await TraceAsync(server, local);
        output.WriteLine(localTrace);
        Assert.Matches(@"intake\s+accepted\s+" + local, localTrace);
        Assert.Matches(@"local delivery\s+delivered\s+" + local, localTrace);
        Assert.Contains("TLSv1.3", localTrace);
        Assert.Contains(Sender, localTrace);
        Assert.Contains("local; listener submission", localTrace);

        var relayedTrace = await TraceAsync(server, relayed);
        output.WriteLine(relayedTrace);
        Assert.Matches(@"intake\s+accepted\s+" + relayed, relayedTrace);
        Assert.Matches(@"delivery attempt\s+delivered\s+" + relayed, relayedTrace);
        Assert.Contains("relay: authenticated", relayedTrace);
        Assert.Contains("verify (example-verify)", relayedTrace);
        Assert.Contains("certificate verified", relayedTrace);
        Assert.DoesNotContain(local, relayedTrace);

        // The same path from the Message-ID header swaks wrote, which every row now carries too.
        await using var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir));
        var rows = await logs.DeliveryLog.Where(e => e.QueueId == relayed).ToListAsync();
        var messageId = rows.Select(r => r.MessageId).Distinct().Single();
        Assert.NotEmpty(messageId);
        Assert.Equal(["accepted", "delivered"], rows.Select(r => r.Result));
        var byMessageId = await TraceAsync(server, messageId.Trim('<', '>'));
        Assert.Matches(@"delivery attempt\s+delivered\s+" + relayed, byMessageId);
        File.Delete(caFile);
    }

    private static async Task<string> SendAsync(TestServer server, string to)
    {
        var (code, text) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("submission").ToString(), "--from", Sender, "--to", to, "--helo", "swaks.example",
             "--tls", "--auth", "PLAIN", "--auth-user", Sender, "--auth-password", SmtpWorld.Password, "--timeout", "20"]);
        Assert.True(code == 0, text);
        return QueuedAs().Match(text).Groups[1].Value;
    }

    private static async Task WaitForResultAsync(TestServer server, string queueId, string result)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await server.Services.GetRequiredService<ActivityLog>().FlushAsync(cts.Token);
            await using var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir));
            if (await logs.DeliveryLog.AnyAsync(e => e.QueueId == queueId && e.Result == result, cts.Token))
            {
                return;
            }
            await Task.Delay(200, cts.Token);
        }
    }

    private static async Task<string> TraceAsync(TestServer server, string id)
    {
        var outText = new StringWriter();
        var errText = new StringWriter();
        var code = await CliApp.RunAsync(["trace", id, $"--MailHost:DataDir={server.DataDir}"], new StringReader(""), outText, errText);
        Assert.True(code == 0, outText + errText.ToString());
        return outText.ToString();
    }
}
