using System.Net.Sockets;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

public sealed class SmtpProtocolTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task Greeting_UsesBanner()
    {
        await using var client = await LineClient.ConnectAsync(Server.Port("smtp"));
        var greeting = await client.ReadSmtpReplyAsync();
        Assert.Equal("220 " + Server.Snapshot.Current.Server.Banner, greeting[^1]);
    }

    [Fact]
    public async Task Ehlo_AdvertisesExtensions_WithoutRequireTlsBeforeTls()
    {
        await using var client = await Server.ConnectSmtpAsync();
        var ehlo = await client.ExpectAsync("EHLO client.example", "250 ");
        var keywords = ehlo.Select(l => l[4..]).ToList();
        foreach (var k in new[] { "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "DSN", "STARTTLS" })
        {
            Assert.Contains(k, keywords);
        }
        Assert.Contains(keywords, k => k.StartsWith("SIZE ", StringComparison.Ordinal));
        Assert.DoesNotContain("REQUIRETLS", keywords);
    }

    [Fact]
    public async Task BasicCommands_ReplyWithEnhancedCodes()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("HELO client.example", "250 ");
        await client.ExpectAsync("NOOP", "250 2.0.0");
        await client.ExpectAsync("RSET", "250 2.0.0");
        await client.ExpectAsync("HELP", "214 2.0.0");
        await client.ExpectAsync("VRFY alice", "502 5.5.1");
        await client.ExpectAsync("XYZZY", "500 5.5.1");
        await client.ExpectAsync("QUIT", "221 2.0.0");
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task CommandOrder_IsEnforced()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "503 5.5.1");
        await client.ExpectAsync("EHLO client.example", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "503 5.5.1");
        await client.ExpectAsync("DATA", "503 5.5.1");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250 2.1.0");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "503 5.5.1");
        await client.ExpectAsync("DATA", "503 5.5.1");
        await client.ExpectAsync("RCPT TO:<nobody@example.com>", "550 5.1.1");
        await client.ExpectAsync("DATA", "554 5.5.1");
        await client.ExpectAsync("RSET", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "503 5.5.1");
    }

    [Fact]
    public async Task LongLine_Gets500_AndSessionContinues()
    {
        await using var client = await Server.ConnectSmtpAsync();
        // RFC 5321 §4.5.3.1.6: 1000 octets including CRLF.
        await client.ExpectAsync("NOOP " + new string('x', 993), "250");
        await client.ExpectAsync("NOOP " + new string('x', 994), "500 5.5.2");
        await client.ExpectAsync("NOOP " + new string('x', 5000), "500 5.5.2");
        await client.ExpectAsync("NOOP", "250");
    }

    [Fact]
    public async Task Garbage_GetsErrors_ThenTooManyErrorsCloses()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<<>>", "501");
        await client.ExpectAsync("MAIL FROM:<a@b.example> SIZE=abc", "555 5.5.4");
        await client.ExpectAsync("MAIL FROM:\0\u00ff<>", "501");
        await client.ExpectAsync("BDAT", "501");
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task RandomBytes_NeverEndTheSession()
    {
        var random = new Random(5321);
        await using var client = await Server.ConnectSmtpAsync();
        for (var i = 0; i < 8; i++)
        {
            var junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            var text = new string(junk.Select(b => b is (byte)'\r' or (byte)'\n' ? 'x' : (char)b).ToArray());
            var reply = await client.SmtpAsync(text);
            Assert.Matches("^(250|5\\d\\d) ", reply[^1]);
            await client.ExpectAsync("RSET", "250");
        }
        await client.ExpectAsync("NOOP", "250");
    }

    [Fact]
    public async Task ManyErrors_Gets421_AndClose()
    {
        var max = Server.Snapshot.Current.Server.MaxErrorsPerSession;
        await using var client = await Server.ConnectSmtpAsync();
        for (var i = 0; i < max; i++)
        {
            await client.ExpectAsync("BOGUS", "500");
        }
        await client.ExpectAsync("BOGUS", "500");
        Assert.StartsWith("421 4.7.0", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task ManyCommandsWithoutMail_Gets421()
    {
        var max = Server.Snapshot.Current.Server.MaxCommandsBeforeMail;
        await using var client = await Server.ConnectSmtpAsync();
        for (var i = 0; i < max; i++)
        {
            await client.ExpectAsync("NOOP", "250");
        }
        await client.ExpectAsync("NOOP", "421 4.7.0");
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task SizeParameter_OverLimit_RefusedAtMail()
    {
        var max = Server.Snapshot.Current.Server.MaxMessageSize;
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync($"MAIL FROM:<a@b.example> SIZE={max + 1}", "552 5.3.4");
        await client.ExpectAsync($"MAIL FROM:<a@b.example> SIZE={max}", "250");
    }

    [Fact]
    public async Task Pipelining_AllRepliesInOrder()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.SendAsync("MAIL FROM:<a@b.example>\r\nRCPT TO:<alice@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
        Assert.StartsWith("250", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.StartsWith("250", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.StartsWith("550", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.StartsWith("250", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.StartsWith("354", (await client.ReadSmtpReplyAsync())[^1]);
        await client.SendAsync("Subject: p\r\n\r\nbody\r\n.\r\nQUIT\r\n");
        var accepted = (await client.ReadSmtpReplyAsync())[^1];
        Assert.StartsWith("250 2.0.0", accepted);
        Assert.StartsWith("221", (await client.ReadSmtpReplyAsync())[^1]);
        var (envelope, _) = await Server.QueuedAsync(accepted);
        Assert.Equal(["alice@example.com", "bob@example.com"], envelope.Recipients.Select(r => r.Address).Order());
    }

    [Fact]
    public async Task TooManyRecipients_Gets452()
    {
        var max = Server.Snapshot.Current.Server.MaxRecipients;
        Assert.True(max <= 100);
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        var batch = string.Concat(Enumerable.Range(0, max).Select(i => $"RCPT TO:<r{i}@remote.example>\r\n"));
        await client.SendAsync(batch);
        for (var i = 0; i < max; i++)
        {
            Assert.StartsWith("250", (await client.ReadSmtpReplyAsync())[^1]);
        }
        await client.ExpectAsync("RCPT TO:<one-more@remote.example>", "452 4.5.3");
    }

    [Fact]
    public async Task AbruptClose_MidData_QueuesNothing()
    {
        var before = Server.Spool().ListIds().Count();
        var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        await client.ExpectAsync("RCPT TO:<halfway@remote.example>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.SendAsync("Subject: cut\r\n\r\npartial");
        await client.DisposeAsync();
        await Task.Delay(300);
        var ids = Server.Spool().ListIds().ToList();
        foreach (var id in ids)
        {
            var m = await Server.Spool().ReadAsync(id, CancellationToken.None);
            Assert.DoesNotContain(m!.Recipients, r => r.Address == "halfway@remote.example");
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Server.DataDir, "queue"), "*.tmp"));
        _ = before;
    }
}
