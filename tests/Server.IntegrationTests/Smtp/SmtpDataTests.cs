using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Smtp;

public sealed class SmtpDataTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    private async Task<LineClient> ReadyForDataAsync(string to = "alice@example.com")
    {
        var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO client.example", "250");
        await client.ExpectAsync("MAIL FROM:<sender@remote.example>", "250");
        await client.ExpectAsync($"RCPT TO:<{to}>", "250");
        await client.ExpectAsync("DATA", "354");
        return client;
    }

    [Fact]
    public async Task Data_DotUnstuffed_AndSpooledWithReceivedHeader()
    {
        await using var client = await ReadyForDataAsync();
        await client.SendAsync("Subject: dots\r\n\r\n..leading dot\r\n.\r\n");
        var reply = (await client.ReadSmtpReplyAsync())[^1];
        Assert.Matches(@"^250 2\.0\.0 Ok: queued as \w+$", reply);
        var (envelope, content) = await Server.QueuedAsync(reply);
        Assert.EndsWith("Subject: dots\r\n\r\n.leading dot\r\n", content);
        Assert.StartsWith("Received: from client.example ([127.0.0.1])\r\n\tby mx.test.local (MailHost) with ESMTP id ", content);
        Assert.Equal("sender@remote.example", envelope.Sender);
        Assert.True(envelope.Recipients.Single().IsLocal);
        Assert.Equal("client.example", envelope.HeloName);
    }

    [Theory]
    // The published SMTP smuggling variants (CVE-2023-51764 and friends): none may end the data or start a second message.
    [InlineData("\n.\n")]
    [InlineData("\n.\r\n")]
    [InlineData("\r.\r")]
    [InlineData("\r\n.\n")]
    [InlineData("\r\n.\r")]
    [InlineData("\r\n.\r\r\n")]
    public async Task Data_SmugglingVariant_RefusedWhole_NoSecondMessage(string fakeEnd)
    {
        var before = Server.Spool().ListIds().ToHashSet();
        await using var client = await ReadyForDataAsync();
        await client.SendAsync("Subject: one\r\n\r\nfirst" + fakeEnd + "MAIL FROM:<evil@attacker.example>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n");
        var reply = (await client.ReadSmtpReplyAsync())[^1];
        Assert.StartsWith("550 5.6.11", reply);
        await client.ExpectAsync("NOOP", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "503");
        var added = Server.Spool().ListIds().Where(id => !before.Contains(id)).ToList();
        foreach (var id in added)
        {
            var content = await File.ReadAllTextAsync(Server.Spool().ContentPath(id));
            Assert.DoesNotContain("smuggled", content);
        }
    }

    [Fact]
    public async Task Data_OverSizeLimit_Gets552_AfterReadingAll()
    {
        var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            db.ServerSettings.Single().MaxMessageSize = 2048;
        });
        await using (server)
        {
            await using var client = await server.ConnectSmtpAsync();
            await client.ExpectAsync("EHLO x", "250");
            await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
            await client.ExpectAsync("RCPT TO:<alice@example.com>", "250");
            await client.ExpectAsync("DATA", "354");
            await client.SendAsync("Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 98) + "\r\n", 40)) + ".\r\n");
            Assert.StartsWith("552 5.3.4", (await client.ReadSmtpReplyAsync())[^1]);
            await client.ExpectAsync("NOOP", "250");
            await client.SendMessageAsync("a@b.example", "alice@example.com");
        }
    }

    [Fact]
    public async Task Bdat_Chunks_AreJoined_AndDataAfterBdatRefused()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example> BODY=8BITMIME", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "250");
        const string part1 = "Subject: chunks\r\n\r\n";
        const string part2 = "line one\r\n.not stuffed\r\n";
        await client.SendAsync($"BDAT {part1.Length}\r\n{part1}");
        Assert.StartsWith("250 2.0.0", (await client.ReadSmtpReplyAsync())[^1]);
        await client.ExpectAsync("DATA", "503 5.5.1");
        await client.SendAsync($"BDAT {part2.Length} LAST\r\n{part2}");
        var reply = (await client.ReadSmtpReplyAsync())[^1];
        var (envelope, content) = await Server.QueuedAsync(reply);
        Assert.EndsWith(part1 + part2, content);
        Assert.Equal("8BITMIME", envelope.Body);
    }

    [Fact]
    public async Task Bdat_WithoutTransaction_ChunkIsSkipped()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.SendAsync("BDAT 12 LAST\r\nQUIT\r\nQUIT\r\n");
        Assert.StartsWith("503 5.5.1", (await client.ReadSmtpReplyAsync())[^1]);
        await client.ExpectAsync("NOOP", "250");
    }

    [Fact]
    public async Task DsnParameters_AreCarriedIntoQueue()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example> RET=HDRS ENVID=abc+2Bdef SMTPUTF8", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@example.com", "250");
        await client.ExpectAsync("RCPT TO:<bob@example.com> NOTIFY=NEVER,SUCCESS", "555");
        await client.ExpectAsync("RCPT TO:<bob@example.com> FOO=BAR", "555 5.5.4");
        await client.ExpectAsync("DATA", "354");
        await client.SendAsync("Subject: dsn\r\n\r\nx\r\n.\r\n");
        var (envelope, _) = await Server.QueuedAsync((await client.ReadSmtpReplyAsync())[^1]);
        Assert.Equal("HDRS", envelope.DsnRet);
        Assert.Equal("abc+2Bdef", envelope.DsnEnvelopeId);
        Assert.True(envelope.SmtpUtf8);
        var rcpt = envelope.Recipients.Single();
        Assert.Equal("SUCCESS,FAILURE", rcpt.Notify);
        Assert.Equal("rfc822;alice@example.com", rcpt.OriginalRecipient);
    }

    [Fact]
    public async Task AuthenticatedSubmission_GetsMessageId_AndAuthUserOnlyWhenConfigured()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions");
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "235");
        var reply = await client.SendMessageAsync("alice@example.com", "someone@remote.example", "Subject: no id\r\n\r\nbody\r\n");
        var (envelope, content) = await Server.QueuedAsync(reply);
        Assert.Matches(@"^<\w+@mx\.test\.local>$", envelope.MessageIdHeader);
        Assert.Contains("\r\nMessage-ID: " + envelope.MessageIdHeader + "\r\nSubject: no id\r\n", content);
        Assert.Equal("alice@example.com", envelope.AuthenticatedUser);
        Assert.Contains("with ESMTPSA id", content);
        Assert.DoesNotContain("alice@example.com)", content);

        reply = await client.SendMessageAsync("alice@example.com", "someone@remote.example", "Message-ID: <mine@client>\r\nSubject: with id\r\n\r\nbody\r\n");
        (envelope, content) = await Server.QueuedAsync(reply);
        Assert.Equal("<mine@client>", envelope.MessageIdHeader);
        Assert.Equal(2, content.Split("Message-ID:").Length);
    }

    [Fact]
    public async Task Unauthenticated_Mta_DoesNotAddMessageId()
    {
        await using var client = await ReadyForDataAsync();
        await client.SendAsync("Subject: none\r\n\r\nx\r\n.\r\n");
        var (envelope, content) = await Server.QueuedAsync((await client.ReadSmtpReplyAsync())[^1]);
        Assert.Equal("", envelope.MessageIdHeader);
        Assert.DoesNotContain("Message-ID", content);
    }

    [Fact]
    public async Task Logs_SessionAndDeliveryEntries_NoSecrets()
    {
        await using (var client = await Server.ConnectImplicitTlsAsync("submissions"))
        {
            await client.ExpectAsync("EHLO x", "250");
            await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "bob@example.com", SmtpWorld.Password), "235");
            await client.SendMessageAsync("bob@example.com", "logged@remote.example");
            await client.ExpectAsync("MAIL FROM:<bob@example.com>", "250");
            await client.ExpectAsync("RCPT TO:<someone@denied.example>", "550");
            await client.ExpectAsync("QUIT", "221");
        }
        var activity = Server.Services.GetRequiredService<ActivityLog>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        LogEntries? found = null;
        while (found is null)
        {
            await Task.Delay(100, cts.Token);
            await activity.FlushAsync(cts.Token);
            await using var db = await Server.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>().CreateDbContextAsync(cts.Token);
            var tls = await db.TlsLog.Where(t => t.AuthUser == "bob@example.com").ToListAsync(cts.Token);
            var delivery = await db.DeliveryLog.Where(d => d.Recipient == "logged@remote.example" || d.Recipient == "someone@denied.example").ToListAsync(cts.Token);
            if (tls.Count > 0 && delivery.Count >= 2)
            {
                found = new(tls, delivery);
            }
        }
        var session = found.Tls.Single();
        Assert.Equal("submissions", session.Listener);
        Assert.Equal("PLAIN", session.AuthMechanism);
        Assert.Equal("success", session.AuthResult);
        Assert.StartsWith("TLSv1.", session.TlsVersion);
        Assert.Equal("accepted", found.Delivery.Single(d => d.Recipient == "logged@remote.example").Result);
        var refused = found.Delivery.Single(d => d.Recipient == "someone@denied.example");
        Assert.Equal("refused", refused.Result);
        Assert.Contains("No mail for denied.example here", refused.Reason);
        Assert.DoesNotContain(SmtpWorld.Password, session.AuthUser + session.AuthResult + session.AuthMechanism);
    }

    private sealed record LogEntries(List<MailHost.Shared.Entities.TlsLogEntry> Tls, List<MailHost.Shared.Entities.DeliveryLogEntry> Delivery);
}
