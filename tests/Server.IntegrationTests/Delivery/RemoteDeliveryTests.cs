using MailHost.Server.Queue;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>MX delivery through the real worker to Postfix's smtp-sink found through a real dnsmasq.</summary>
public sealed class RemoteDeliveryTests
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;

    private static Task<DnsmasqServer> DnsAsync(params string[] extra) => DnsmasqServer.StartAsync([
        DnsmasqServer.Mx("example.test", "mx1.example.test", 10),
        DnsmasqServer.Address("mx1.example.test", "127.0.0.1"),
        .. extra,
    ]);

    [Fact]
    public async Task Mx_SinkPeer_DeliveredLoggedAndRemoved()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test", "hello sink"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var dumped = await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("X-Mail-Args: <alice@mailhost.test>", dumped);
        Assert.Contains("X-Rcpt-Args: <bob@example.test>", dumped);
        Assert.Contains("Subject: hello sink", dumped);
        // Dot-stuffing was applied on the wire and undone by the peer.
        Assert.Contains("\n.leading dot line", dumped);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server), e => e.Recipient == "bob@example.test");
        Assert.Equal("delivered", entry.Result);
        Assert.StartsWith("mx1.example.test [127.0.0.1]", entry.RemoteHost);
        Assert.Equal("plaintext", entry.TlsVersion);
        Assert.Contains(" 250", entry.Reason);
    }

    [Fact]
    public async Task Mx_FirstMxDead_SecondMxUsed()
    {
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "dead.example.test", 10),
            DnsmasqServer.Mx("example.test", "mx2.example.test", 20),
            // Nothing listens on 127.0.0.2 at the sink's port: connection refused.
            DnsmasqServer.Address("dead.example.test", "127.0.0.2"),
            DnsmasqServer.Address("mx2.example.test", "127.0.0.1"),
        ]);
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Single(sink.Messages());
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.Equal("delivered", entry.Result);
        Assert.StartsWith("mx2.example.test [127.0.0.1]", entry.RemoteHost);
    }

    [Fact]
    public async Task Mx_PeerSays4xxToRcpt_DeferredOnRetrySchedule()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync("-r", "RCPT");
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var before = DateTime.UtcNow;
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        var r = m!.Recipients[0];
        Assert.Equal(RecipientState.Pending, r.State);
        Assert.Contains("said: 4", r.LastResult);
        // Default schedule "5,10,...": the first retry is five minutes out.
        Assert.InRange(r.NextAttemptUtc, before.AddMinutes(5), DateTime.UtcNow.AddMinutes(5).AddSeconds(5));
        Assert.Empty(sink.Messages());
        Assert.Equal("deferred", Assert.Single(await DeliveryHarness.LogAsync(server)).Result);
        Assert.Empty(await DeliveryHarness.OthersAsync(server, id));

        // `mailhost queue retry ID` (another process's edit of the spool) makes it due now: a second attempt follows.
        var (code, output) = await CliAsync(server, "queue", "retry", id);
        Assert.True(code == 0, output);
        m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 2);
        Assert.Equal(RecipientState.Pending, m!.Recipients[0].State);
        (code, output) = await CliAsync(server, "queue", "list");
        Assert.Contains(id, output);
        Assert.Contains("bob@example.test", output);

        (code, output) = await CliAsync(server, "queue", "delete", id);
        Assert.True(code == 0, output);
        await DeliveryHarness.WaitAsync(server, id, m => m is null, TimeSpan.FromSeconds(2));
        Assert.Empty(sink.Messages());
    }

    private static async Task<(int Code, string Output)> CliAsync(Infrastructure.TestServer server, params string[] args)
    {
        var output = new StringWriter();
        var code = await Cli.CliApp.RunAsync([.. args, $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Mx_PeerSays5xxToRcpt_BouncedWithDsnToSender()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync("-f", "RCPT");
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test", "doomed"),
            m => m.DsnEnvelopeId = "env-42");

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var (bounce, content) = Assert.Single(await DeliveryHarness.OthersAsync(server, id));
        if (bounce is not null)
        {
            // Still queued: its envelope says where it goes. Otherwise the local worker already put it into alice's INBOX.
            Assert.Equal("", bounce.Sender);
            Assert.Equal(Sender, Assert.Single(bounce.Recipients).Address);
            Assert.True(bounce.Recipients[0].IsLocal);
        }
        // Read by Python's email package, not by the library that wrote it.
        var file = Path.Combine(server.DataDir, "dsn.eml");
        await File.WriteAllTextAsync(file, content);
        var parsed = await Storage.PythonClient.RunAsync("""
            import sys, email
            from email import policy
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.compat32)
            print('type', m.get_content_type(), m.get_param('report-type'))
            human, status, returned = m.get_payload()
            print('parts', human.get_content_type(), status.get_content_type(), returned.get_content_type())
            groups = status.get_payload()
            print('message', groups[0]['Original-Envelope-Id'], groups[0]['Reporting-MTA'])
            print('recipient', groups[1]['Final-Recipient'], groups[1]['Action'], groups[1]['Status'])
            print('returned', returned.get_payload()[0]['Subject'])
            print('auto', m['Auto-Submitted'], m['MIME-Version'])
            """, null, file);
        Assert.Contains("type multipart/report delivery-status", parsed);
        Assert.Contains("parts text/plain message/delivery-status message/rfc822", parsed);
        Assert.Contains("message env-42 dns; ", parsed);
        Assert.Contains("recipient rfc822; bob@example.test failed 5.", parsed);
        Assert.Contains("returned doomed", parsed);
        Assert.Contains("auto auto-replied 1.0", parsed);
        // The DSN itself is then delivered to the local sender and logged too; the bounce is the entry for bob.
        Assert.Equal("bounced", Assert.Single(await DeliveryHarness.LogAsync(server), e => e.Recipient == "bob@example.test").Result);
    }

    [Fact]
    public async Task NullMx_BouncedAtOnceWithoutConnecting()
    {
        using var dns = await DnsAsync(DnsmasqServer.NullMx("nomail.test"));
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["x@nomail.test"], DeliveryHarness.Message(Sender, "x@nomail.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var (_, content) = Assert.Single(await DeliveryHarness.OthersAsync(server, id));
        Assert.Contains("Status: 5.1.10", content);
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task PermanentFailure_NotifyNeverOrNullSender_NoDsn()
    {
        using var dns = await DnsAsync(DnsmasqServer.NullMx("nomail.test"));
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var never = await DeliveryHarness.EnqueueAsync(server, Sender, ["x@nomail.test"], DeliveryHarness.Message(Sender, "x@nomail.test"),
            m => m.Recipients[0].Notify = "NEVER");
        var fromNull = await DeliveryHarness.EnqueueAsync(server, "", ["y@nomail.test"], DeliveryHarness.Message("mailer-daemon@mailhost.test", "y@nomail.test"));

        await DeliveryHarness.WaitAsync(server, never, m => m is null);
        await DeliveryHarness.WaitAsync(server, fromNull, m => m is null);

        Assert.Empty(await DeliveryHarness.OthersAsync(server, never));
        Assert.Equal(2, (await DeliveryHarness.LogAsync(server)).Count(e => e.Result == "bounced"));
    }

    [Fact]
    public async Task EsmtpParameters_8BitDsnAndIpv6First_PassedToPeer()
    {
        // mx1 has an IPv6 address (tried first, refused: the sink listens on IPv4 only) and an IPv4 one.
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "mx1.example.test", 10),
            DnsmasqServer.Address("mx1.example.test", "127.0.0.1,::1"),
        ]);
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test", "8bit", "Grüße aus Köln\r\n").Replace("charset=us-ascii\r\n", "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n", StringComparison.Ordinal), m =>
        {
            m.Body = "8BITMIME";
            m.DsnRet = "HDRS";
            m.DsnEnvelopeId = "abc123";
            m.Recipients[0].Notify = "FAILURE,DELAY";
        });

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var dumped = await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5));
        // RFC 5321 §4.1.2: parameters in any order (MailKit writes BODY, ENVID, RET).
        var mailArgs = Assert.Single(dumped.Split('\n'), l => l.StartsWith("X-Mail-Args: <alice@mailhost.test>", StringComparison.Ordinal));
        Assert.Equal(["BODY=8BITMIME", "ENVID=abc123", "RET=HDRS"], mailArgs.Trim().Split(' ').Skip(2).Order(StringComparer.Ordinal));
        Assert.Contains("X-Rcpt-Args: <bob@example.test> NOTIFY=FAILURE,DELAY", dumped);
        Assert.Contains("Grüße aus Köln", dumped);
        Assert.StartsWith("mx1.example.test [127.0.0.1]", Assert.Single(await DeliveryHarness.LogAsync(server)).RemoteHost);
    }

    [Fact]
    public async Task SmtpUtf8Recipient_PeerWithoutSmtpUtf8_Bounced()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bøb@example.test"], DeliveryHarness.Message(Sender, "bøb@example.test"), m => m.SmtpUtf8 = true);

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Empty(sink.Messages());
        var (_, content) = Assert.Single(await DeliveryHarness.OthersAsync(server, id));
        Assert.Contains("Status: 5.6.7", content);
    }

    [Fact]
    public async Task HeldMessage_NotDeliveredUntilReleased()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"), m => m.Held = true);
        await Task.Delay(1500);
        Assert.Empty(sink.Messages());

        var (code, output) = await CliAsync(server, "queue", "release", id);
        Assert.True(code == 0, output);

        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        Assert.Single(sink.Messages());
    }
}
