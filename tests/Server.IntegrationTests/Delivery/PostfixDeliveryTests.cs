using MailHost.Shared.Data;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>Delivery to a real Postfix smtpd found as MX through dnsmasq, with verified STARTTLS and BDAT.</summary>
public sealed class PostfixDeliveryTests
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;
    private const string Host = "mx1.example.test";

    [Fact]
    public async Task Verify_PostfixWithTestCaCertificate_DeliveredOverTls13WithBdat()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Mx("example.test", Host, 10), DnsmasqServer.Address(Host, "127.0.0.1")]);
        var caFile = Path.Combine(Path.GetTempPath(), $"mailhost-ca-{Guid.NewGuid():N}.pem");
        using var postfix = await PostfixPeer.StartAsync(TestCertificates.CaSigned(Host, caFile), Host);
        Action<MailHostDbContext> verifyRoute = db => db.RelayRules.Add(new RelayRule
        {
            Name = "example-verify",
            Order = 1,
            Action = RelayAction.Route,
            RecipientDomain = "example.test",
            SmartHost = Host,
            SmartHostPort = postfix.Port,
            OutboundTls = OutboundTlsLevel.Verify,
        });
        await using var server = await DeliveryHarness.StartAsync(dns, postfix.Port, verifyRoute, $"--MailHost:OutboundTrustedCaFile={caFile}");
        var id = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test", "to postfix"));

        await DeliveryHarness.WaitAsync(server, id, m => m is null);

        var relayed = await postfix.Sink.WaitForMessageAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("Subject: to postfix", relayed);
        Assert.Contains("\n.leading dot line", relayed);
        Assert.Contains("(using TLSv1.3", relayed);
        var entry = Assert.Single(await DeliveryHarness.LogAsync(server));
        Assert.Equal(("delivered", "TLSv1.3"), (entry.Result, entry.TlsVersion));
        Assert.Contains("certificate verified", entry.Reason);
        // Postfix's own session summary: STARTTLS, and the message went as BDAT (CHUNKING), not DATA.
        Assert.Matches(@"ehlo=2 starttls=1 mail=1 rcpt=1 bdat=1 quit=1", postfix.LogText);
        File.Delete(caFile);
    }
}
