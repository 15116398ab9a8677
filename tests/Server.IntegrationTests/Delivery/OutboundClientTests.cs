using System.Net;
using System.Net.Sockets;
using MailHost.Server.Delivery;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// The MailKit-based outbound client against Postfix's smtp-sink (which dumps the envelope it saw):
/// what it sends, what it leaves alone, and the two known MailKit gaps, shown as they behave.
/// </summary>
public sealed class OutboundClientTests
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;

    private static Task<DnsmasqServer> DnsAsync() =>
        DnsmasqServer.StartAsync([DnsmasqServer.Mx("example.test", "mx1.example.test", 10), DnsmasqServer.Address("mx1.example.test", "127.0.0.1")]);

    private static string MailArgs(string dump) => Assert.Single(dump.Split('\n'), l => l.StartsWith("X-Mail-Args:", StringComparison.Ordinal)).Trim();

    private static string RcptArgs(string dump) => Assert.Single(dump.Split('\n'), l => l.StartsWith("X-Rcpt-Args:", StringComparison.Ordinal)).Trim();

    [Fact]
    public async Task Content_SentByteForByte_BccAndOddHeadersKept()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        // Folding, odd spacing, a Bcc header and a long line: a MIME writer that re-formats would change one of them.
        var content = "From: Sender <alice@mailhost.test>\r\nTo:   <bob@example.test>\r\nBcc: hidden@example.test\r\nSubject: folded\r\n\tsubject  line\r\n"
            + "Date: Sun, 22 Nov 2026 08:00:00 +0000\r\nMessage-ID: <raw@mailhost.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            + new string('x', 900) + "\r\n.leading dot\r\nend\r\n";
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], content);
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        var dumped = (await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5))).Replace("\r\n", "\n", StringComparison.Ordinal);
        // smtp-sink ends its dump with a newline of its own (and writes LF): compare up to that.
        Assert.EndsWith(content.Replace("\r\n", "\n", StringComparison.Ordinal), dumped[..^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvelopeId_DecodedFromXtextThenEncodedOnce_NullSenderAsEmptyPath()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, "", ["bob@example.test"], DeliveryHarness.Message("", "bob@example.test"), m => m.DsnEnvelopeId = "a+2Bb");
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        var dumped = await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5));
        // "a+2Bb" is xtext for "a+b": sent again as "a+2Bb", not double-encoded as "a+2B2Bb".
        Assert.Contains("ENVID=a+2Bb", MailArgs(dumped), StringComparison.Ordinal);
        Assert.StartsWith("X-Mail-Args: <>", MailArgs(dumped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalBindAddress_ConnectionComesFromIt()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port, null, "--MailHost:OutboundBindAddresses=127.0.0.2");
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        Assert.Contains("X-Client-Addr: 127.0.0.2", await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentPeer_GreetingTimeout_Deferred()
    {
        using var dns = await DnsAsync();
        // Accepts the connection and never says 220: the greeting timeout (5 s in the harness) must end the attempt.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptTcpClientAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, ((IPEndPoint)listener.LocalEndpoint).Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));
        var envelope = await DeliveryHarness.WaitAsync(server, id, m => m?.Recipients[0].Attempts > 0, TimeSpan.FromSeconds(30));
        Assert.StartsWith("451 4.4.2 mx1.example.test [127.0.0.1]", envelope!.Recipients[0].LastResult, StringComparison.Ordinal);
        (await accepted).Dispose();
    }

    [Fact]
    public async Task MailKitGap_UndeclaredEightBit_NoBodyParameter_ButSentUnchanged()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        // 8-bit bytes in a part without "Content-Transfer-Encoding: 8bit": MailKit decides BODY= from the declared
        // encodings only, so no BODY=8BITMIME goes out (RFC 6152 wants it). The peer offers 8BITMIME and takes it.
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test", "8bit", "Grüße\r\n"), m => m.Body = "8BITMIME");
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        var dumped = await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("BODY=", MailArgs(dumped), StringComparison.Ordinal);
        Assert.Contains("Grüße", dumped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailKitGap_ReceivedOrcptNotRelayed_OwnAddressSentInstead()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"), m =>
        {
            m.Recipients[0].Notify = "FAILURE";
            m.Recipients[0].OriginalRecipient = "rfc822;Bob.Original@example.org";
        });
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        var rcpt = RcptArgs(await sink.WaitForMessageAsync(TimeSpan.FromSeconds(5)));
        // RFC 3461 §4.2 asks a relay to pass ORCPT on; MailKit always writes the RCPT address itself.
        Assert.Equal("X-Rcpt-Args: <bob@example.test> NOTIFY=FAILURE ORCPT=rfc822;bob@example.test", rcpt);
    }

    [Theory]
    [InlineData("TLS_CHACHA20_POLY1305_SHA256")]
    [InlineData("TLS_AES_128_GCM_SHA256")]
    public async Task CipherSuitePolicy_OnlyTheConfiguredSuiteNegotiated(string suite)
    {
        using var dns = await DnsAsync();
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned("mx1.example.test"));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port, null, $"--MailHost:OutboundTlsCipherSuites={suite}");
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        // OpenSSL's default choice is TLS_AES_256_GCM_SHA384: anything else came from the policy.
        Assert.Equal(("TLSv1.3", suite), (entry.TlsVersion, entry.Cipher));
    }

    [Fact]
    public void XText_Decoded() => Assert.Equal("a+b=c d", OutboundSmtpClient.DecodeXText("a+2Bb+3Dc+20d"));
}
