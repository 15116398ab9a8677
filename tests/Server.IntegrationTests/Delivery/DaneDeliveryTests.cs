using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using MailHost.Server.Delivery;
using MailHost.Server.Queue;
using MailHost.Server.Tls;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// Outbound DANE (RFC 7672) end to end: a validating unbound serving a zone signed with ldns-signzone (and an
/// unsigned one), a real Postfix smtpd as the MX with the certificates each case needs. In every enforcing case
/// Postfix's own session log must show that no MAIL command (so no message byte) arrived.
/// </summary>
public sealed class DaneDeliveryTests
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;
    private const string SignedMx = "mx.signed.test";
    private const string PlainMx = "mx.plain.test";

    private static Task<UnboundServer> ZonesAsync(string signedTlsa, string plainTlsa, Func<string, string>? tamper = null, int tlsaPort = 25) =>
        UnboundServer.StartAsync(
            "signed.test", ["@ IN MX 10 mx.signed.test.", "mx IN A 127.0.0.1", $"_{tlsaPort}._tcp.mx IN TLSA {signedTlsa}"],
            "plain.test", ["@ IN MX 10 mx.plain.test.", "mx IN A 127.0.0.1", $"_{tlsaPort}._tcp.mx IN TLSA {plainTlsa}"],
            tamper);

    private static string OtherKeyTlsa() => DaneMatcher.Record(TestCertificates.SelfSigned("unrelated.test"));

    private static async Task<string> PostfixSessionsAsync(PostfixPeer postfix)
    {
        // Postfix writes the session summary ("disconnect from … ehlo=… starttls=…") when the client leaves.
        for (var waited = 0; waited < 5000 && !postfix.LogText.Contains("disconnect from", StringComparison.Ordinal); waited += 100)
        {
            await Task.Delay(100);
        }
        return postfix.LogText;
    }

    private static void AssertNoMessageSent(string postfixLog, PostfixPeer postfix)
    {
        Assert.DoesNotMatch(new Regex(@"\bmail=\d"), postfixLog);
        Assert.DoesNotMatch(new Regex(@"\b(data|bdat)=\d"), postfixLog);
        Assert.Empty(postfix.Sink.Messages());
    }

    [Fact]
    public async Task DaneEe311_Matching_DeliveredOverTls_WithoutNameCheck()
    {
        // The certificate names another host: DANE-EE ignores names (RFC 7672 §3.1.1), PKIX would refuse it.
        var certificate = TestCertificates.SelfSigned("not-the-mx.test");
        using var dns = await ZonesAsync(DaneMatcher.Record(certificate), OtherKeyTlsa());
        using var postfix = await PostfixPeer.StartAsync(certificate, SignedMx);
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@signed.test"], DeliveryHarness.Message(Sender, "bob@signed.test", "dane ee"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Contains("Subject: dane ee", await postfix.Sink.WaitForMessageAsync(TimeSpan.FromSeconds(15)));
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.Equal("delivered", entry.Result);
        Assert.StartsWith("dane", entry.TlsPolicy);
        Assert.Contains("DANE-EE 3 1 1 matched", entry.Reason);
        Assert.Matches(@"starttls=1 mail=1", await PostfixSessionsAsync(postfix));
    }

    [Fact]
    public async Task DaneEe311_NotMatching_DeferredAndNoMessageByteSent()
    {
        var certificate = TestCertificates.SelfSigned(SignedMx);
        using var dns = await ZonesAsync(OtherKeyTlsa(), OtherKeyTlsa());
        using var postfix = await PostfixPeer.StartAsync(certificate, SignedMx);
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@signed.test"], DeliveryHarness.Message(Sender, "bob@signed.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Equal(RecipientState.Pending, m!.Recipients[0].State);
        Assert.Contains("no TLSA record matched", m.Recipients[0].LastResult);
        var log = await PostfixSessionsAsync(postfix);
        // One session: EHLO, STARTTLS (the server may count it done under TLS 1.3 before we refuse its
        // certificate), then we hung up; no plaintext retry followed.
        Assert.Matches(new Regex(@"ehlo=1 starttls=(1|0/1) commands=\d"), log);
        Assert.Single(Regex.Matches(log, "ehlo="));
        AssertNoMessageSent(log, postfix);
        Assert.Equal("deferred", Assert.Single(await DeliveryHarness.LogAsync(server)).Result);
    }

    [Fact]
    public async Task DaneTa211_PrivateCa_Delivered_ThenLeafForAnotherName_Deferred()
    {
        var caDir = Directory.CreateTempSubdirectory("mailhost-dane-ca-").FullName;
        using var ca = PrivateCertificateAuthority.LoadOrCreate(caDir, "DANE test");
        var tlsa = DaneMatcher.Record(ca, usage: 2);
        using (var dns = await ZonesAsync(tlsa, tlsa))
        {
            using var postfix = await PostfixPeer.StartAsync(PrivateCertificateAuthority.Issue(ca, [SignedMx], rsa: false), SignedMx, ca);
            // No OutboundTrustedCaFile: the private CA is trusted through DANE only.
            await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port);
            var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@signed.test"], DeliveryHarness.Message(Sender, "bob@signed.test", "dane ta"));

            await DeliveryHarness.WaitAsync(server, id, m => m is null);

            Assert.Contains("Subject: dane ta", await postfix.Sink.WaitForMessageAsync(TimeSpan.FromSeconds(15)));
            var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
            Assert.Contains("DANE-TA 2 1 1 matched", entry.Reason);
        }
        using (var dns = await ZonesAsync(tlsa, tlsa))
        {
            // RFC 7672 §3.2.3: with DANE-TA the leaf must name the MX host.
            using var postfix = await PostfixPeer.StartAsync(PrivateCertificateAuthority.Issue(ca, ["elsewhere.test"], rsa: false), SignedMx, ca);
            await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port);
            var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@signed.test"], DeliveryHarness.Message(Sender, "bob@signed.test"));

            var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

            Assert.Contains($"not for {SignedMx}", m!.Recipients[0].LastResult);
            AssertNoMessageSent(await PostfixSessionsAsync(postfix), postfix);
        }
        Directory.Delete(caDir, recursive: true);
    }

    [Fact]
    public async Task BogusTlsaSignature_HostNotTried_Deferred()
    {
        var certificate = TestCertificates.SelfSigned(SignedMx);
        var good = DaneMatcher.Record(certificate);
        var bad = OtherKeyTlsa();
        // The TLSA record is changed after signing: its RRSIG fails, unbound answers SERVFAIL for it.
        using var dns = await ZonesAsync(good, good, zone =>
            Regex.Replace(zone, Regex.Escape(good.Split(' ')[3]), bad.Split(' ')[3], RegexOptions.IgnoreCase));
        using var postfix = await PostfixPeer.StartAsync(certificate, SignedMx);
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@signed.test"], DeliveryHarness.Message(Sender, "bob@signed.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Equal(RecipientState.Pending, m!.Recipients[0].State);
        Assert.Contains("TLSA lookup of _25._tcp.mx.signed.test failed", m.Recipients[0].LastResult);
        await Task.Delay(500);
        // The only connection Postfix saw is the fixture's readiness probe: no EHLO ever came.
        Assert.DoesNotContain("ehlo=", postfix.LogText, StringComparison.Ordinal);
        Assert.Empty(postfix.Sink.Messages());
    }

    [Fact]
    public async Task UnsignedZone_TlsaIgnored_DeliveredUnderTheRouteLevel()
    {
        // A TLSA record that would not match, in a zone without DNSSEC: it proves nothing and is not used.
        using var dns = await ZonesAsync(OtherKeyTlsa(), OtherKeyTlsa());
        using var postfix = await PostfixPeer.StartAsync(TestCertificates.SelfSigned(PlainMx), PlainMx);
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@plain.test"], DeliveryHarness.Message(Sender, "bob@plain.test", "plain zone"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Contains("Subject: plain zone", await postfix.Sink.WaitForMessageAsync(TimeSpan.FromSeconds(15)));
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.DoesNotContain("dane", entry.TlsPolicy, StringComparison.Ordinal);
        Assert.Contains("not verified", entry.Reason);
    }

    [Fact]
    public async Task RouteRequiresDane_UnsignedZone_DeferredNotTried()
    {
        using var dns = await ZonesAsync(OtherKeyTlsa(), OtherKeyTlsa());
        using var postfix = await PostfixPeer.StartAsync(TestCertificates.SelfSigned(PlainMx), PlainMx);
        Action<MailHostDbContext> route = db => db.RelayRules.Add(new RelayRule
        {
            Name = "plain-dane",
            Order = 1,
            Action = RelayAction.Route,
            RecipientDomain = "plain.test",
            SmartHost = PlainMx,
            SmartHostPort = postfix.Port,
            OutboundTls = OutboundTlsLevel.May,
            OutboundDane = OutboundDaneLevel.Required,
        });
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port, route);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@plain.test"], DeliveryHarness.Message(Sender, "bob@plain.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Contains("DANE required", m!.Recipients[0].LastResult);
        await Task.Delay(500);
        // The only connection Postfix saw is the fixture's readiness probe: no EHLO ever came.
        Assert.DoesNotContain("ehlo=", postfix.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteRequiresDane_SignedSmarthostTlsaOnItsPort_Delivered()
    {
        var certificate = TestCertificates.SelfSigned(SignedMx);
        using var postfix = await PostfixPeer.StartAsync(certificate, SignedMx);
        // A smarthost's TLSA is looked up at its own port (RFC 6698 §3), not at 25.
        using var dns = await ZonesAsync(DaneMatcher.Record(certificate, matchingType: 2), OtherKeyTlsa(), tlsaPort: postfix.Port);
        Action<MailHostDbContext> route = db => db.RelayRules.Add(new RelayRule
        {
            Name = "signed-dane",
            Order = 1,
            Action = RelayAction.Route,
            RecipientDomain = "example.test",
            SmartHost = SignedMx,
            SmartHostPort = postfix.Port,
            OutboundDane = OutboundDaneLevel.Required,
        });
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, postfix.Port, route);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test", "via smarthost"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Contains("DANE-EE 3 1 2 matched", Assert.Single(await DeliveryHarness.LogAsync(server)).Reason);
    }

    [Fact]
    public async Task OnlyUnusableTlsa_PeerWithoutStartTls_DeferredNeverPlaintext()
    {
        // PKIX-EE(1) is not used for SMTP (RFC 7672 §3.1.3): the record set is unusable, yet TLS stays mandatory.
        using var sink = await SmtpSink.StartAsync();
        var pkixEe = "1" + OtherKeyTlsa()[1..];
        using var dns = await ZonesAsync(pkixEe, pkixEe);
        await using var server = await DeliveryHarness.StartAsync(dns.EndPoint, sink.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@signed.test"], DeliveryHarness.Message(Sender, "bob@signed.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Contains("does not offer STARTTLS", m!.Recipients[0].LastResult);
        Assert.Empty(sink.Messages());
        Assert.StartsWith("dane (no usable TLSA: encrypt)", Assert.Single(await DeliveryHarness.LogAsync(server)).TlsPolicy);
    }

    [Fact]
    public void Matcher_Sha512AndFullCertificate_Match_OtherKeyNot()
    {
        var certificate = TestCertificates.SelfSigned(SignedMx);
        foreach (var (selector, type) in new (byte, byte)[] { (0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2) })
        {
            var parts = DaneMatcher.Record(certificate, 3, selector, type).Split(' ');
            var record = new MailHost.Server.Dns.TlsaRecord("_25._tcp." + SignedMx, 300, 3, selector, type, [.. Convert.FromHexString(parts[3])]);
            Assert.True(DaneHostPolicy.IsUsable(record));
            Assert.True(DaneMatcher.Check([record], certificate, null, SignedMx).Matched, $"3 {selector} {type}");
            using var other = TestCertificates.SelfSigned(SignedMx);
            Assert.False(DaneMatcher.Check([record], other, null, SignedMx).Matched, $"other key, 3 {selector} {type}");
        }
        Assert.False(DaneHostPolicy.IsUsable(new MailHost.Server.Dns.TlsaRecord("x", 1, 3, 1, 1, [1, 2, 3])));
    }
}
