using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Classic open-relay tricks from an address whose range has neither relay nor AUTH rights
/// (127.0.0.3) against a server whose only local domain is example.com: none may be accepted for a
/// remote destination, and nothing with a remote recipient may reach the queue.
/// </summary>
public sealed class OpenRelayBatteryTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private SecurityServer Server => fixture.Server;

    /// <summary>The text after "RCPT TO:" (brackets included when the trick needs them).</summary>
    public static TheoryData<string, string> RemoteTricks() => new()
    {
        { "percent hack", "<user%remote.test@example.com>" },
        { "percent hack, existing user", "<alice%remote.test@example.com>" },
        { "percent hack, no domain", "<user%remote.test>" },
        { "bang path at local", "<remote.test!user@example.com>" },
        { "bare bang path", "<remote.test!user>" },
        { "two-hop bang path", "<example.com!remote.test!user>" },
        { "source route", "<@example.com:user@remote.test>" },
        { "source route, two hops", "<@a.example,@example.com:user@remote.test>" },
        { "quoted local part with @", "<\"user@remote.test\"@example.com>" },
        { "quoted whole address", "<\"user@remote.test\">" },
        { "quoted local part, remote", "<\"user\"@remote.test>" },
        { "IPv4 literal", "<user@[127.0.0.9]>" },
        { "own IPv4 literal", "<user@[127.0.0.1]>" },
        { "IPv6 literal", "<user@[IPv6:::1]>" },
        { "broken literal", "<user@[example.com]>" },
        { "trailing dot", "<user@remote.test.>" },
        { "mixed case remote", "<user@Remote.TEST>" },
        { "upper case remote", "<USER@REMOTE.TEST>" },
        { "local domain as prefix", "<user@example.com.remote.test>" },
        { "two @, remote last", "<user@example.com@remote.test>" },
        { "two @, local last", "<user@remote.test@example.com>" },
        { "double @", "<user@@remote.test>" },
        { "percent in domain", "<user@remote.test%example.com>" },
        { "comma list", "<user@remote.test,alice@example.com>" },
        { "comma list, local first", "<alice@example.com,user@remote.test>" },
        { "unbalanced open", "<user@remote.test" },
        { "unbalanced close", "user@remote.test>" },
        { "no brackets", "user@remote.test" },
        { "space before address", " <user@remote.test>" },
        { "space inside", "<user @remote.test>" },
        { "space before bracket close", "<user@remote.test >" },
        { "empty local part", "<@remote.test>" },
        { "empty domain", "<user@>" },
        { "comment", "<user@remote.test(comment)>" },
        { "long local part", "<" + new string('a', 300) + "@remote.test>" },
        { "long domain", "<user@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".test>" },
        { "localhost", "<user@localhost>" },
        { "plain remote", "<user@remote.test>" },
        { "backslash escape", "<user\\@remote.test@example.com>" },
        { "encoded at", "<user=40remote.test@example.com>" },
    };

    [Theory]
    [MemberData(nameof(RemoteTricks))]
    public async Task Rcpt_RelayTrick_NotAccepted_AndNothingRemoteQueued(string trick, string rcpt)
    {
        await AssertRefusedAsync(trick, "<sender@sender.test>", rcpt);
    }

    [Theory]
    [InlineData("<user@remote.test>")]
    [InlineData("<@example.com:user@remote.test>")]
    [InlineData("<user%remote.test@example.com>")]
    [InlineData("<remote.test!user@example.com>")]
    public async Task Rcpt_RelayTrickWithNullSender_NotAccepted(string rcpt)
    {
        await AssertRefusedAsync("null sender", "<>", rcpt);
    }

    [Theory]
    [InlineData("ALICE@EXAMPLE.COM")]
    [InlineData("alice@Example.Com")]
    [InlineData("Alice@example.COM")]
    public async Task Rcpt_UpperCaseLocalDomain_IsLocal(string address)
    {
        await using var client = await ConnectAsync();
        await client.ExpectAsync("MAIL FROM:<sender@sender.test>", "250");
        await client.ExpectAsync($"RCPT TO:<{address}>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.SendAsync("Subject: case\r\n\r\nx\r\n.\r\n");
        var (envelope, _) = await QueuedOrDeliveredAsync((await client.ReadSmtpReplyAsync())[^1]);
        if (envelope is not null)
        {
            Assert.All(envelope.Recipients, r => Assert.True(r.IsLocal));
        }
    }

    [Fact]
    public async Task Rcpt_UnknownUserInUpperCaseLocalDomain_RefusedAsLocalUnknown()
    {
        await using var client = await ConnectAsync();
        await client.ExpectAsync("MAIL FROM:<sender@sender.test>", "250");
        // Local: "no such user", not "relay denied".
        await client.ExpectAsync("RCPT TO:<USER@EXAMPLE.COM>", "550 5.1.1");
    }

    private async Task<LineClient> ConnectAsync()
    {
        var client = await Server.ConnectSmtpAsync("smtp", SecurityWorld.NoRelay);
        await client.ExpectAsync("EHLO client.test", "250");
        return client;
    }

    /// <summary>
    /// The trick must not get a 2xx. The session then sends a real message to a local user so any
    /// recipient the trick had slipped into the transaction would be queued with it.
    /// </summary>
    private async Task AssertRefusedAsync(string trick, string sender, string rcpt)
    {
        await using (var client = await ConnectAsync())
        {
            await client.ExpectAsync($"MAIL FROM:{sender}", "250");
            var reply = await client.SmtpAsync("RCPT TO:" + rcpt);
            Assert.True(reply[^1][0] is '4' or '5', $"{trick}: RCPT TO:{rcpt} -> {string.Join(" | ", reply)}");
            await client.ExpectAsync("RCPT TO:<alice@example.com>", "250");
            await client.ExpectAsync("DATA", "354");
            await client.SendAsync("Subject: relay battery\r\n\r\n" + trick + "\r\n.\r\n");
            Assert.StartsWith("250", (await client.ReadSmtpReplyAsync())[^1]);
        }
        await AssertNoRemoteRecipientQueuedAsync();
    }

    private async Task AssertNoRemoteRecipientQueuedAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var queued = await Server.Services.GetRequiredService<MessageSpool>().ListAsync(cts.Token);
        foreach (var message in queued)
        {
            foreach (var r in message.Recipients)
            {
                Assert.True(r.IsLocal && r.Address.EndsWith("@example.com", StringComparison.OrdinalIgnoreCase), $"queued {message.Id} for {r.Address} (local={r.IsLocal})");
            }
        }
    }

    /// <summary>The envelope of a just-queued message, or null if local delivery already took it from the queue.</summary>
    private async Task<(QueuedMessage? Envelope, string Reply)> QueuedOrDeliveredAsync(string reply)
    {
        Assert.StartsWith("250", reply);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var id = reply[(reply.LastIndexOf(' ') + 1)..];
        return (await Server.Services.GetRequiredService<MessageSpool>().ReadAsync(id, cts.Token), reply);
    }
}
