using System.Security.Authentication;
using MailHost.Server.Queue;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>Outbound TLS levels per route (none/may/encrypt/verify), versions per route, REQUIRETLS, smarthost AUTH.</summary>
public sealed class OutboundTlsPolicyTests
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;
    private const string Host = "mx1.example.test";

    private static Task<DnsmasqServer> DnsAsync() => DnsmasqServer.StartAsync([
        DnsmasqServer.Mx("example.test", Host, 10),
        DnsmasqServer.Address(Host, "127.0.0.1"),
    ]);

    private static Action<MailHostDbContext> Route(int port, OutboundTlsLevel level, bool tls12 = true, bool tls13 = true, string user = "", string password = "") => db =>
        db.RelayRules.Add(new RelayRule
        {
            Name = "example",
            Order = 1,
            Action = RelayAction.Route,
            RecipientDomain = "*.example.test",
            SmartHost = Host,
            SmartHostPort = port,
            SmartHostUser = user,
            SmartHostPassword = password,
            OutboundTls = level,
            OutboundTls12 = tls12,
            OutboundTls13 = tls13,
        });

    [Fact]
    public async Task Encrypt_PeerWithoutStartTls_DeferredNeverPlaintext()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port, Route(sink.Port, OutboundTlsLevel.Encrypt));
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Equal(RecipientState.Pending, m!.Recipients[0].State);
        Assert.Contains("does not offer STARTTLS", m.Recipients[0].LastResult);
        Assert.Empty(sink.Messages());
        Assert.Equal("deferred", Assert.Single(await DeliveryHarness.LogAsync(server)).Result);
    }

    [Fact]
    public async Task May_PeerWithoutStartTls_DeliveredInPlaintext()
    {
        using var dns = await DnsAsync();
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port, Route(sink.Port, OutboundTlsLevel.May));
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Single(sink.Messages());
        Assert.Equal("plaintext", Assert.Single(await DeliveryHarness.LogAsync(server)).TlsVersion);
    }

    [Fact]
    public async Task May_PeerWithSelfSignedStartTls_DeliveredEncrypted()
    {
        using var dns = await DnsAsync();
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var received = Assert.Single(peer.Received);
        Assert.NotNull(received.Tls);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.StartsWith("TLSv1.", entry.TlsVersion);
        Assert.NotEmpty(entry.Cipher);
        Assert.Contains("certificate not verified", entry.Reason);
    }

    [Fact]
    public async Task Verify_SelfSignedPeer_DeferredAndNothingSent()
    {
        using var dns = await DnsAsync();
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port, Route(peer.Port, OutboundTlsLevel.Verify));
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        var m = await DeliveryHarness.WaitAsync(server, id, m => m!.Recipients[0].Attempts >= 1);

        Assert.Equal(RecipientState.Pending, m!.Recipients[0].State);
        Assert.Contains("not verified", m.Recipients[0].LastResult);
        Assert.Empty(peer.Received);
    }

    [Fact]
    public async Task Verify_PeerSignedByTrustedCa_DeliveredOverVerifiedTls()
    {
        using var dns = await DnsAsync();
        var caFile = Path.Combine(Path.GetTempPath(), $"mailhost-ca-{Guid.NewGuid():N}.pem");
        await using var peer = new TlsSmtpPeer(TestCertificates.CaSigned(Host, caFile));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port, Route(peer.Port, OutboundTlsLevel.Verify), $"--MailHost:OutboundTrustedCaFile={caFile}");
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Equal(SslProtocols.Tls13, Assert.Single(peer.Received).Tls);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.Equal("TLSv1.3", entry.TlsVersion);
        Assert.Contains("certificate verified", entry.Reason);
        File.Delete(caFile);
    }

    [Fact]
    public async Task Route_OnlyTls12Allowed_NegotiatesTls12()
    {
        using var dns = await DnsAsync();
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port, Route(peer.Port, OutboundTlsLevel.Encrypt, tls13: false));
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        Assert.Equal(SslProtocols.Tls12, Assert.Single(peer.Received).Tls);
        Assert.Equal("TLSv1.2", Assert.Single(await DeliveryHarness.LogAsync(server)).TlsVersion);
    }

    [Fact]
    public async Task RequireTls_PeerOnlyEncrypted_NotSentAndBounced()
    {
        using var dns = await DnsAsync();
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port);
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"), m => m.RequireTls = true);

        var m = await DeliveryHarness.WaitAsync(server, id, m => m is null || m.Recipients[0].Attempts >= 1);

        Assert.Empty(peer.Received);
        Assert.Contains("not verified", (await DeliveryHarness.LogAsync(server)).Single().Reason);
    }

    [Fact]
    public async Task Smarthost_AuthOverStartTls_Delivered()
    {
        using var dns = await DnsAsync();
        await using var peer = new TlsSmtpPeer(TestCertificates.SelfSigned(Host), "relayuser", "s3cret pass");
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port, Route(peer.Port, OutboundTlsLevel.Encrypt, user: "relayuser", password: "s3cret pass"));
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var received = Assert.Single(peer.Received);
        Assert.True(received.Authenticated);
        Assert.NotNull(received.Tls);
    }
}
