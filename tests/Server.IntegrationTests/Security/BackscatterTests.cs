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
    public void ReturnedContent_UnauthenticatedSender_HeadersOnly()
    {
        var content = "Subject: s\r\nFrom: a@b.test\r\n\r\nsecret body\r\n"u8.ToArray();
        var anonymous = new QueuedMessage { Sender = "a@b.test" };
        var submitted = new QueuedMessage { Sender = "a@b.test", AuthenticatedUser = "a@b.test" };
        Assert.Equal("Subject: s\r\nFrom: a@b.test\r\n\r\n"u8.ToArray(), BouncePolicy.ReturnedContent(anonymous, content));
        Assert.Equal(content, BouncePolicy.ReturnedContent(submitted, content));
    }
}
