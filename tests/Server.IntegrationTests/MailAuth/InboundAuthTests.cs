using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Security;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.MailAuth;

/// <summary>
/// Issue 15 end to end with real DNS: dnsmasq on loopback serves the SPF, DKIM and DMARC records;
/// swaks sends from 127.0.0.2 and 127.0.0.3, each in its own IP range flagged "verify sender
/// authentication" ("the internet"); dkimpy signs. 127.0.0.1 stays in the trusted default range.
/// </summary>
public sealed class InboundAuthTests : IAsyncLifetime
{
    private const string Host = "mx.test.local";
    private readonly string _dir = Directory.CreateTempSubdirectory("mailauth").FullName;
    private DnsmasqServer _dns = null!;
    private TestServer _server = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _key = Path.Combine(_dir, "sel");
        await RunAsync("/usr/bin/dknewkey", ["--ktype", "rsa", _key]);
        var record = (await File.ReadAllTextAsync(_key + ".dns")).Trim();
        _dns = await DnsmasqServer.StartAsync(
        [
            DnsmasqServer.Txt("good.test", "v=spf1 ip4:127.0.0.2 -all"),
            DnsmasqServer.Txt("_dmarc.good.test", "v=DMARC1; p=reject"),
            DnsmasqServer.Txt("sel._domainkey.good.test", record),
            DnsmasqServer.Txt("strict.test", "v=spf1 ip4:127.0.0.9 -all"),
            DnsmasqServer.Txt("_dmarc.strict.test", "v=DMARC1; p=reject"),
            DnsmasqServer.Txt("sel._domainkey.strict.test", record),
            DnsmasqServer.Txt("nodmarc.test", "v=spf1 ip4:127.0.0.9 -all"),
            DnsmasqServer.Txt("quarantine.test", "v=spf1 ip4:127.0.0.9 -all"),
            DnsmasqServer.Txt("_dmarc.quarantine.test", "v=DMARC1; p=quarantine"),
            DnsmasqServer.Txt("helo.test", "v=spf1 ip4:127.0.0.0/8 -all"),
        ]);
        _server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "bob@example.com", PasswordHash = SecurityWorld.CheapHash("pw") });
            db.IpRanges.Add(new IpRange { Name = "Internet A", Priority = 30, LowerAddress = "127.0.0.2/32", VerifySenderAuthentication = true, RequireTlsForAuth = false });
            db.IpRanges.Add(new IpRange { Name = "Internet B", Priority = 30, LowerAddress = "127.0.0.3/32", VerifySenderAuthentication = true, RequireTlsForAuth = false });
        }, $"--MailHost:DnsServers={_dns.EndPoint}");
    }

    private static string Message(string from, string body = "Hello Bob,\r\nthis is signed.\r\n", string extraHeaders = "") =>
        $"{extraHeaders}From: {from}\r\nTo: bob@example.com\r\nSubject: auth test\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@test>\r\n\r\n{body}";

    private async Task<string> SignAsync(string message, string domain)
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, message);
        var signature = await RunAsync("/usr/bin/python3",
            ["-c", "import sys,dkim; m=open(sys.argv[1],'rb').read(); sys.stdout.buffer.write(dkim.sign(m,b'sel',sys.argv[2].encode(),open(sys.argv[3],'rb').read(),include_headers=[b'from',b'to',b'subject',b'date']))", file, domain, _key + ".key"]);
        return signature.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) + message;
    }

    private async Task<string> SwaksAsync(string client, string from, string data, string helo = "helo.test")
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".eml");
        await File.WriteAllTextAsync(file, data);
        var (_, output) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", _server.Port("smtp").ToString(CultureInfo.InvariantCulture), "--local-interface", client,
             "--from", from, "--to", "bob@example.com", "--helo", helo, "--timeout", "20", "--data", "@" + file]);
        return output;
    }

    private async Task<string> DeliveredAsync(string marker)
    {
        var store = Path.Combine(_server.DataDir, "store");
        for (var i = 0; i < 200; i++)
        {
            if (Directory.Exists(store))
            {
                foreach (var file in Directory.EnumerateFiles(store, "*.eml", SearchOption.AllDirectories))
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains(marker, StringComparison.Ordinal))
                    {
                        return text;
                    }
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no delivered message contains {marker}");
    }

    [Fact]
    public async Task PassingDomain_DeliveredWithAuthenticationResults_ForgedOneRemoved()
    {
        var forged = $"Authentication-Results: {Host}; dkim=pass header.d=paypal.com\r\nAuthentication-Results: other.example; spf=pass\r\n";
        var output = await SwaksAsync("127.0.0.2", "alice@good.test", await SignAsync(Message("alice@good.test", "marker-pass\r\n", forged), "good.test"));
        Assert.Contains("250 2.0.0 Ok: queued", output);
        var delivered = await DeliveredAsync("marker-pass");
        Assert.StartsWith($"Authentication-Results: {Host};", delivered, StringComparison.Ordinal);
        var header = delivered[..delivered.IndexOf("\r\nReceived-SPF:", StringComparison.Ordinal)];
        Assert.Matches(@"spf=pass \([^)]*\) smtp\.mailfrom=alice@good\.test", header);
        Assert.Matches(@"dkim=pass \([^)]*\) header\.d=good\.test header\.s=sel header\.a=rsa-sha256", header);
        Assert.Matches(@"dmarc=pass \([^)]*\) header\.from=good\.test", header);
        Assert.Contains("Received-SPF: pass", delivered, StringComparison.Ordinal);
        // RFC 8601 §5: the one claiming our authserv-id is gone, the other stays.
        Assert.DoesNotContain("paypal.com", delivered, StringComparison.Ordinal);
        Assert.Contains("Authentication-Results: other.example; spf=pass", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectDomain_FailingSpfAndDkim_Refused550NamingDmarc()
    {
        // SPF allows only 127.0.0.9, and the body is altered after signing.
        var signed = await SignAsync(Message("alice@strict.test", "original body\r\n"), "strict.test");
        var output = await SwaksAsync("127.0.0.3", "alice@strict.test", signed.Replace("original body", "altered body", StringComparison.Ordinal));
        Assert.Matches(@"550 5\.7\.1 DMARC policy of strict\.test", output);
        Assert.DoesNotContain("Ok: queued", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeveralSignatures_AlteredBodyFailsOne_DkimAlignedStillPasses()
    {
        // One good signature by good.test; a second, broken one (strict.test signed a different body) is reported as fail.
        var message = Message("alice@good.test", "marker-two\r\n");
        var good = await SignAsync(message, "good.test");
        var other = await SignAsync(Message("alice@good.test", "something else\r\n"), "strict.test");
        var otherSignature = other[..other.IndexOf("From:", StringComparison.Ordinal)];
        // Sent from 127.0.0.3, which SPF for good.test does not allow: DMARC passes on DKIM alone.
        var output = await SwaksAsync("127.0.0.3", "alice@good.test", otherSignature + good);
        Assert.Contains("250 2.0.0 Ok: queued", output);
        var delivered = await DeliveredAsync("marker-two");
        Assert.Matches(@"spf=fail [^;]*smtp\.mailfrom=alice@good\.test", delivered);
        Assert.Matches(@"dkim=pass [^;]*header\.d=good\.test", delivered);
        Assert.Matches(@"dkim=fail [^;]*header\.d=strict\.test", delivered);
        Assert.Matches(@"dmarc=pass [^;]*header\.from=good\.test", delivered);
    }

    [Fact]
    public async Task QuarantineDomain_Failing_DeliveredToJunk()
    {
        var output = await SwaksAsync("127.0.0.2", "eve@quarantine.test", Message("eve@quarantine.test", "marker-junk\r\n"));
        Assert.Contains("250 2.0.0 Ok: queued", output);
        Assert.Contains("dmarc=fail", await DeliveredAsync("marker-junk"), StringComparison.Ordinal);
        // Python's imaplib as the mail client: the message is in Junk, not in INBOX.
        const string script = """
            import imaplib, ssl, sys
            m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1])); m.starttls(ssl._create_unverified_context()); m.login('bob@example.com', 'pw')
            for box in ('Junk', 'INBOX'):
                m.select(box, readonly=True); print(box, len(m.search(None, 'BODY', 'marker-junk')[1][0].split()))
            m.logout()
            """;
        var (_, boxes) = await ExternalTool.RunAsync("/usr/bin/python3", ["-c", script, _server.Port("imap").ToString(CultureInfo.InvariantCulture)]);
        Assert.True(boxes.Contains("Junk 1", StringComparison.Ordinal), boxes);
        Assert.Contains("INBOX 0", boxes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpfFailWithoutDmarc_TaggedOnlyByDefault()
    {
        var output = await SwaksAsync("127.0.0.2", "carol@nodmarc.test", Message("carol@nodmarc.test", "marker-nodmarc\r\n"));
        Assert.Contains("250 2.0.0 Ok: queued", output);
        var delivered = await DeliveredAsync("marker-nodmarc");
        Assert.Matches(@"spf=fail [^;]*smtp\.mailfrom=carol@nodmarc\.test", delivered);
        Assert.Contains("dmarc=none", delivered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DnsTemporaryError_Refused451()
    {
        // dnsmasq (--no-resolv) answers REFUSED outside the test zones: a DNS failure, not an answer.
        var output = await SwaksAsync("127.0.0.2", "dave@unreachable.example", Message("dave@unreachable.example", "marker-temp\r\n"));
        Assert.Matches(@"451 4\.7\.\d+", output);
    }

    [Fact]
    public async Task TrustedRange_NotChecked()
    {
        // 127.0.0.1 is in the default "My computer" range: no checks, no refusal, no Authentication-Results.
        var output = await SwaksAsync("127.0.0.1", "alice@strict.test", Message("alice@strict.test", "marker-trusted\r\n"));
        Assert.Contains("250 2.0.0 Ok: queued", output);
        Assert.DoesNotContain("Authentication-Results:", await DeliveredAsync("marker-trusted"), StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(string file, string[] args)
    {
        var (code, output) = await ExternalTool.RunAsync(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} failed: {output}");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
