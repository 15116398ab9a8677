using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Queue;
using MailHost.Server.Storage;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 11 item 9, with swaks as the outside sender: a full mailbox is refused in the session
/// (452 4.2.2 at RCPT, 552 5.2.2 at the end of DATA) instead of accepted with 250 and bounced
/// later, with the whole message, to a sender address that may be forged.
/// </summary>
public sealed class BackscatterTests
{
    private const string Recipient = "full@example.com";

    private static Task<TestServer> StartAsync(long quota) => TestServer.StartAsync(db =>
    {
        db.Domains.Add(new Domain { Name = "example.com" });
        db.Accounts.Add(new Account { Address = Recipient, PasswordHash = SecurityWorld.CheapHash("pw"), QuotaBytes = quota });
    });

    private static string[] Swaks(TestServer server, string body) =>
        ["--server", "127.0.0.1", "--port", server.Port("smtp").ToString(), "--from", "victim@forged.test", "--to", Recipient,
         "--helo", "attacker.test", "--timeout", "10", "--body", body];

    [Fact]
    public async Task Data_MessageOverQuota_Refused552_NoBounceQueued()
    {
        await using var server = await StartAsync(quota: 2_000);
        var (_, output) = await ExternalTool.RunAsync("swaks", Swaks(server, new string('x', 5_000)));
        Assert.Contains("552 5.2.2", output);
        Assert.DoesNotContain("250 2.0.0 Ok: queued", output);
        await Task.Delay(1_000);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDir, "queue"), "*.json"));
    }

    [Fact]
    public async Task Rcpt_FullMailbox_FromUnauthenticatedRemoteSender_Refused452_NothingQueued()
    {
        // A mailbox already over its 1 KB quota: a 5 KB message file that start-up recovery indexes.
        var (dataDir, ports) = await TestDataDir.CreateAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = Recipient, PasswordHash = SecurityWorld.CheapHash("pw"), QuotaBytes = 1_000 });
        });
        try
        {
            var mailDir = Directory.CreateDirectory(Path.Combine(dataDir, "store", Uri.EscapeDataString(Recipient))).FullName;
            File.WriteAllText(Path.Combine(mailDir, "0_seedfull.eml"), "Message-ID: <full@example.com>\r\nSubject: filler\r\n\r\n" + new string('x', 5_000) + "\r\n");
            await using var server = await ExternalServer.StartAsync(dataDir, ports);
            // A tiny message: only the mailbox's state can refuse it, and it must be refused at RCPT.
            var (_, output) = await ExternalTool.RunAsync("swaks",
                ["--server", "127.0.0.1", "--port", ports["smtp"].ToString(), "--from", "victim@forged.test", "--to", Recipient,
                 "--helo", "attacker.test", "--timeout", "10", "--body", "hi", "--quit-after", "RCPT"]);
            Assert.Contains("<** 452 4.2.2", output);
            Assert.DoesNotContain("250 2.1.5", output);
            var (_, full) = await ExternalTool.RunAsync("swaks",
                ["--server", "127.0.0.1", "--port", ports["smtp"].ToString(), "--from", "victim@forged.test", "--to", Recipient,
                 "--helo", "attacker.test", "--timeout", "10", "--body", "hi"]);
            Assert.Contains("452 4.2.2", full);
            Assert.DoesNotContain("queued", full);
            await Task.Delay(1_000);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDir, "queue"), "*.json", SearchOption.AllDirectories));
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Rcpt_DisabledAccount_Refused550_NothingQueuedOrStored()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "off@example.com", PasswordHash = SecurityWorld.CheapHash("pw"), Enabled = false });
            db.Accounts.Add(new Account { Address = "on@example.com", PasswordHash = SecurityWorld.CheapHash("pw") });
            // An alias to both: the enabled member still gets the mail, the disabled one is left out.
            db.Aliases.Add(new Alias { Address = "both@example.com", Targets = "off@example.com,on@example.com" });
        });
        var (_, output) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("smtp").ToString(), "--from", "someone@remote.test", "--to", "off@example.com",
             "--helo", "remote.test", "--timeout", "10", "--body", "hi"]);
        Assert.Contains("550 5.2.1", output);
        Assert.DoesNotContain("queued", output);
        var (_, alias) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("smtp").ToString(), "--from", "someone@remote.test", "--to", "both@example.com",
             "--helo", "remote.test", "--timeout", "10", "--body", "hi"]);
        Assert.Contains(" 250 ", alias);
        var store = server.Services.GetRequiredService<MailStore>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await store.UsedBytesAsync("on@example.com", CancellationToken.None) == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }
        Assert.True(await store.UsedBytesAsync("on@example.com", CancellationToken.None) > 0, "the enabled alias member got nothing");
        Assert.Equal(0, await store.UsedBytesAsync("off@example.com", CancellationToken.None));
    }

    [Fact]
    public void ReturnedContent_UnauthenticatedSender_HeadersOnly()
    {
        var content = "Subject: s\r\nFrom: a@b.test\r\n\r\nsecret body\r\n"u8.ToArray();
        var anonymous = new QueuedMessage { Sender = "a@b.test" };
        var submitted = new QueuedMessage { Sender = "a@b.test", AuthenticatedUser = "a@b.test" };
        Assert.Equal("Subject: s\r\nFrom: a@b.test\r\n\r\n"u8.ToArray(), BouncePolicy.ReturnedContent(anonymous, content));
        Assert.Equal(content, BouncePolicy.ReturnedContent(submitted, content));
    }
}
