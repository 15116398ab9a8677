using MailHost.Server.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Queue;
using MailHost.Server.Tls;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// MTA-STS (RFC 8461) for MX delivery: the `_mta-sts` TXT record from dnsmasq, the policy from a real HTTPS
/// server (`openssl s_server -WWW`) whose certificate is trusted through MailHost:OutboundTrustedCaFile, and a
/// receiving MX with a verifiable or a self-signed certificate.
/// </summary>
public sealed class MtaStsDeliveryTests : IDisposable
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;
    private const string Host = "mx1.example.test";
    private readonly string _caDir = Directory.CreateTempSubdirectory("mailhost-sts-ca-").FullName;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _ca;

    private string CaFile => Path.Combine(_caDir, "certs", "ca", "mailhost-ca.crt");

    private static string Policy(string mode, string mx = Host) => $"version: STSv1\r\nmode: {mode}\r\nmx: {mx}\r\nmax_age: 86400\r\n";

    private static Task<DnsmasqServer> DnsAsync() => DnsmasqServer.StartAsync([
        DnsmasqServer.Mx("example.test", Host, 10),
        DnsmasqServer.Address(Host, "127.0.0.1"),
        DnsmasqServer.Address("mta-sts.example.test", "127.0.0.1"),
        DnsmasqServer.Txt("_mta-sts.example.test", "v=STSv1; id=20261202T1"),
    ]);

    /// <summary>A certificate from the test's private CA (its PEM is the trusted CA file).</summary>
    private System.Security.Cryptography.X509Certificates.X509Certificate2 Trusted(string host)
    {
        _ca ??= PrivateCertificateAuthority.LoadOrCreate(_caDir, "MTA-STS test");
        return PrivateCertificateAuthority.Issue(_ca, [host], rsa: false);
    }

    private Task<TestServer> StartAsync(DnsmasqServer dns, TlsSmtpPeer peer, MtaStsHttpsServer https) =>
        DeliveryHarness.StartAsync(dns, peer.Port, null, $"--MailHost:OutboundTrustedCaFile={CaFile}", $"--MailHost:MtaStsHttpsPort={https.Port}");

    [Fact]
    public async Task Enforce_VerifiedMx_Delivered()
    {
        using var dns = await DnsAsync();
        using var https = await MtaStsHttpsServer.StartAsync(Trusted("mta-sts.example.test"), Policy("enforce"));
        await using var peer = new TlsSmtpPeer(Trusted(Host));
        await using var server = await StartAsync(dns, peer, https);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.NotNull(Assert.Single(peer.Received).Tls);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.True(entry.TlsPolicy.StartsWith("mta-sts enforce", StringComparison.Ordinal), entry.TlsPolicy);
        Assert.Contains("certificate verified", entry.Reason);
    }

    [Fact]
    public async Task Enforce_SelfSignedMx_DeferredAndNothingSent()
    {
        using var dns = await DnsAsync();
        using var https = await MtaStsHttpsServer.StartAsync(Trusted("mta-sts.example.test"), Policy("enforce"));
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        await using var server = await StartAsync(dns, peer, https);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Equal(RecipientState.Pending, m!.Recipients[0].State);
        Assert.Contains("not verified", m.Recipients[0].LastResult);
        Assert.Empty(peer.Received);
        Assert.StartsWith("mta-sts enforce", Assert.Single(await DeliveryHarness.LogAsync(server)).TlsPolicy);
    }

    [Fact]
    public async Task Enforce_MxNotListed_DeferredNotTried()
    {
        using var dns = await DnsAsync();
        using var https = await MtaStsHttpsServer.StartAsync(Trusted("mta-sts.example.test"), Policy("enforce", "*.elsewhere.test"));
        await using var peer = new TlsSmtpPeer(Trusted(Host));
        await using var server = await StartAsync(dns, peer, https);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Contains("not an MX listed in the MTA-STS policy", m!.Recipients[0].LastResult);
        Assert.Empty(peer.Received);
    }

    [Fact]
    public async Task Testing_SelfSignedMx_DeliveredAndLoggedAsTesting()
    {
        using var dns = await DnsAsync();
        using var https = await MtaStsHttpsServer.StartAsync(Trusted("mta-sts.example.test"), Policy("testing"));
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        await using var server = await StartAsync(dns, peer, https);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Single(peer.Received);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.StartsWith("mta-sts testing", entry.TlsPolicy);
        Assert.Contains("not verified", entry.Reason);
    }

    [Fact]
    public async Task PolicyServerCertificateNotTrusted_NoPolicy_DeliveredUnderRouteLevel()
    {
        using var dns = await DnsAsync();
        // The policy host's certificate does not verify: the policy is not taken (RFC 8461 §3.3).
        using var https = await MtaStsHttpsServer.StartAsync(TestCertificates.SelfSigned("mta-sts.example.test"), Policy("enforce"));
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        _ = Trusted("unused.test");
        await using var server = await StartAsync(dns, peer, https);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Single(peer.Received);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        // RFC 8460 §4.3.2: a policy host whose certificate does not verify is "sts-webpki-invalid".
        Assert.StartsWith("sts-webpki-invalid", entry.TlsPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("mta-sts enforce", entry.TlsPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCache_SurvivesRestartWhilePolicyServerDown_EnforceStillDefersUnlistedMx()
    {
        using var dns = await DnsAsync();
        using var https = await MtaStsHttpsServer.StartAsync(Trusted("mta-sts.example.test"), Policy("enforce"));
        await using var peer = new TlsSmtpPeer(Trusted(Host));
        // Disposing it after the restart does nothing: the restarted server owns the data folder.
        await using var first = await StartAsync(dns, peer, https);
        var id = await DeliveryHarness.EnqueueAsync(first, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));
        await DeliveryHarness.WaitAsync(first, id, m => m is null);
        await using (var db = new LogsDbContext(LogsDatabase.Options(first.DataDir)))
        {
            var row = await db.MtaStsPolicies.SingleAsync();
            Assert.Equal(("example.test", "20261202T1"), (row.Domain, row.PolicyId));
            Assert.InRange(row.ExpiresUtc - row.FetchedUtc, TimeSpan.FromSeconds(86399), TimeSpan.FromSeconds(86401));
        }

        // The policy host goes down; the MX moves to a host the policy does not list, under a new policy id (so a
        // refetch is attempted and fails: RFC 8461 §5.1 keeps the cached policy until it expires).
        https.Dispose();
        using var moved = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "mx9.example.test", 10),
            DnsmasqServer.Address("mx9.example.test", "127.0.0.1"),
            DnsmasqServer.Address("mta-sts.example.test", "127.0.0.1"),
            DnsmasqServer.Txt("_mta-sts.example.test", "v=STSv1; id=20261203T2"),
        ]);
        await using var server = await first.RestartAsync($"--MailHost:DnsServers={moved.EndPoint}");
        id = await DeliveryHarness.EnqueueAsync(server, Sender, ["carol@example.test"], DeliveryHarness.Message(Sender, "carol@example.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Contains("mx9.example.test is not an MX listed in the MTA-STS policy", m!.Recipients[0].LastResult);
        Assert.Single(peer.Received);
    }

    [Fact]
    public void Policy_Parse_And_MxPatterns()
    {
        var policy = MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: 604800\n", "1")!;
        Assert.Equal((MtaStsMode.Enforce, TimeSpan.FromDays(7)), (policy.Mode, policy.MaxAge));
        Assert.True(policy.MatchesMx("mail.example.com"));
        Assert.True(policy.MatchesMx("mx1.example.net"));
        // RFC 8461 §4.1: the wildcard covers exactly one label.
        Assert.False(policy.MatchesMx("a.b.example.net"));
        Assert.False(policy.MatchesMx("example.net"));
        Assert.Null(MtaStsPolicy.Parse("version: STSv1\nmode: enforce\nmax_age: 10\n", "1"));
        Assert.Null(MtaStsPolicy.Parse("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 10\n", "1"));
    }

    public void Dispose()
    {
        _ca?.Dispose();
        Directory.Delete(_caDir, recursive: true);
    }
}
