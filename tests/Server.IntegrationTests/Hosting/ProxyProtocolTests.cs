using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>
/// Issue 18, load balancers: haproxy (send-proxy / send-proxy-v2, TCP mode) in front of SMTP, SMTP with implicit
/// TLS and IMAP. The client's own address, not haproxy's, is what the Received header, IP ranges, bans,
/// failed-login counters and the per-address limit see. swaks and python imaplib are the clients.
/// </summary>
[Collection("haproxy")]
public sealed class ProxyProtocolTests(ProxyProtocolFixture fixture)
{
    [Fact]
    public async Task MailThroughHaproxy_V1V2AndImplicitTls_ReceivedShowsTheClientAddress()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        foreach (var (listener, tls) in new[] { ("px-smtp", false), ("px-smtp2", false), ("px-smtps", true) })
        {
            List<string> args =
            [
                "--server", "127.0.0.1", "--port", fixture.ViaProxy(listener).ToString(CultureInfo.InvariantCulture),
                "--local-interface", ProxyProtocolFixture.Sender.ToString(), "--from", "someone@remote.example", "--to", "alice@example.com",
                "--helo", "client.remote.example", "--timeout", "20", "--header", $"Subject: {tag} {listener}",
            ];
            if (tls)
            {
                args.Add("--tlsc");
            }
            var (code, output) = await ExternalTool.RunAsync("swaks", args);
            // swaks exits 0 only when the whole transaction, DATA's final 250 included, succeeded.
            Assert.True(code == 0, $"{listener}: {output}");
        }

        // Read back over IMAP through haproxy too (STARTTLS inside the proxied TCP stream).
        string received = "";
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var (code, output) = await ExternalTool.RunAsync("python3", ["-c", ImapFetchReceived, fixture.ViaProxy("px-imap").ToString(CultureInfo.InvariantCulture), ProxyProtocolFixture.Sender.ToString(), tag]);
            Assert.True(code == 0, output);
            received = output;
            if (output.Split('\n').Count(l => l.StartsWith("MSG", StringComparison.Ordinal)) == 3)
            {
                break;
            }
            await Task.Delay(500);
        }
        var messages = received.Split('\n').Where(l => l.StartsWith("MSG", StringComparison.Ordinal)).ToList();
        Assert.True(messages.Count == 3, received);
        foreach (var m in messages)
        {
            Assert.Contains("([127.0.0.2])", m);
            Assert.DoesNotContain("127.0.0.9", m);
        }
        Assert.Contains(messages, m => m.Contains("TLS", StringComparison.Ordinal));
    }

    // Connects from a given source address (imaplib has no such option), STARTTLS, LOGIN, prints each message's Received.
    private const string ImapFetchReceived = """
        import imaplib, socket, ssl, sys
        port, source, tag = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        class FromSource(imaplib.IMAP4):
            def _create_socket(self, timeout):
                return socket.create_connection((self.host, self.port), timeout, source_address=(source, 0))
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        m = FromSource('127.0.0.1', port, timeout=20)
        m.starttls(ssl_context=ctx)
        m.login('alice@example.com', 'pw')
        m.select('INBOX')
        typ, data = m.search(None, 'SUBJECT', tag)
        for num in data[0].split():
            typ, parts = m.fetch(num, '(BODY.PEEK[HEADER.FIELDS (RECEIVED)])')
            print('MSG', ' '.join(parts[0][1].decode().split()))
        m.logout()
        """;

    [Fact]
    public async Task IpRangeDenyingTheClient_RefusesItThroughHaproxy_OthersServed()
    {
        await using (var denied = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), ProxyProtocolFixture.Denied))
        {
            Assert.StartsWith("554 5.7.1", (await denied.ReadSmtpReplyAsync())[^1]);
        }
        await using (var denied = await LineClient.ConnectAsync(fixture.ViaProxy("px-imap"), ProxyProtocolFixture.Denied))
        {
            Assert.Equal("* BYE Access denied", await denied.ReadLineAsync());
        }
        await using var other = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), ProxyProtocolFixture.Bystander);
        Assert.StartsWith("220", (await other.ReadSmtpReplyAsync())[^1]);
        await using var imap = await LineClient.ConnectAsync(fixture.ViaProxy("px-imap"), ProxyProtocolFixture.Bystander);
        Assert.StartsWith("* OK", await imap.ReadLineAsync());
    }

    [Fact]
    public async Task FailedLoginsThroughHaproxy_BanTheClientNotTheProxy()
    {
        var throttle = fixture.Server.Services.GetRequiredService<AuthThrottle>();
        var greeting = "";
        for (var attempt = 0; attempt < ProxyProtocolFixture.AuthFailLimit + 3; attempt++)
        {
            await using var client = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp2"), ProxyProtocolFixture.Banned);
            greeting = (await client.ReadSmtpReplyAsync())[^1];
            if (!greeting.StartsWith("220", StringComparison.Ordinal))
            {
                break;
            }
            await client.ExpectAsync("EHLO attacker.example", "250");
            var reply = (await client.SmtpAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", "wrong")))[^1];
            Assert.False(reply.StartsWith("235", StringComparison.Ordinal), reply);
        }
        Assert.StartsWith("421 4.7.0", greeting);
        Assert.Equal(0, throttle.FailureCount(ProxyProtocolFixture.ProxySource));
        Assert.False(throttle.IsBanned(ProxyProtocolFixture.ProxySource));
        await using (var db = await fixture.Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(1, await db.IpBans.CountAsync(b => b.Address == ProxyProtocolFixture.Banned.ToString()));
            Assert.Equal(0, await db.IpBans.CountAsync(b => b.Address == ProxyProtocolFixture.ProxySource.ToString()));
        }

        // The banned client is refused on every proxied listener; another client of the same haproxy is served.
        await using (var imap = await LineClient.ConnectAsync(fixture.ViaProxy("px-imap"), ProxyProtocolFixture.Banned))
        {
            Assert.Equal("* BYE Access denied", await imap.ReadLineAsync());
        }
        await using var other = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp2"), ProxyProtocolFixture.Bystander);
        Assert.StartsWith("220", (await other.ReadSmtpReplyAsync())[^1]);
        await other.ExpectAsync("EHLO bystander.example", "250");
        Assert.StartsWith("235", (await other.SmtpAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", ProxyProtocolFixture.Password)))[^1]);
    }

    [Fact]
    public async Task PerAddressLimit_CountsEachClient_NotTheProxy()
    {
        // Every session below reaches MailHost from 127.0.0.9; only the client addresses may count.
        var open = new List<LineClient>();
        try
        {
            foreach (var source in new[] { "127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24", "127.0.0.25" })
            {
                var c = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), IPAddress.Parse(source));
                open.Add(c);
                Assert.StartsWith("220", (await c.ReadSmtpReplyAsync())[^1]);
            }
            for (var i = 0; i < ProxyProtocolFixture.MaxConnectionsPerIp; i++)
            {
                var c = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), ProxyProtocolFixture.Crowd);
                open.Add(c);
                Assert.StartsWith("220", (await c.ReadSmtpReplyAsync())[^1]);
            }
            await using var oneTooMany = await LineClient.ConnectAsync(fixture.ViaProxy("px-smtp"), ProxyProtocolFixture.Crowd);
            Assert.StartsWith("421", (await oneTooMany.ReadSmtpReplyAsync())[^1]);
        }
        finally
        {
            foreach (var c in open)
            {
                await c.DisposeAsync();
            }
        }
    }
}
