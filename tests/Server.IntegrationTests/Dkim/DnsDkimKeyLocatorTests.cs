using MailHost.Server.Dkim;
using MailHost.Server.Dns;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.MailAuth.Dkim;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;
using MimeKit;
using MimeKit.Cryptography;

namespace MailHost.Server.IntegrationTests.Dkim;

/// <summary>MailAuth's key locator (over <see cref="DkimKeyCache"/> and MailHost's resolver) against dnsmasq, as MimeKit's verifier uses it.</summary>
public sealed class DnsDkimKeyLocatorTests
{
    internal static DnsDkimKeyLocator Locator(int port) => new(new DkimKeyCache(Resolver(port), TimeProvider.System));

    internal static DnsResolver Resolver(int port) => new(
        Microsoft.Extensions.Options.Options.Create(new DnsResolverOptions { DnsServers = $"127.0.0.1:{port}", DnsTimeoutMilliseconds = 3000 }),
        TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<DnsResolver>.Instance);

    [Theory]
    [InlineData(DkimAlgorithm.Rsa2048)]
    [InlineData(DkimAlgorithm.Ed25519)]
    public async Task VerifyAsync_KeyFromDnsmasq_AcceptsOurSignature_SkipsNonKeyRecords(DkimAlgorithm algorithm)
    {
        var key = new DkimKeySpec(1, "example.test", "s1", algorithm, DkimKeyMaterial.Generate(algorithm), true);
        using var dns = await DnsmasqServer.StartAsync([
            // A non-key TXT record at the same name must not hide the key record.
            DnsmasqServer.Txt("s1._domainkey.example.test", "not a key record"),
            DnsmasqServer.Txt("s1._domainkey.example.test", DkimKeyMaterial.TxtRecord(algorithm, key.PrivateKeyPem)),
        ]);
        var bytes = "From: a@example.test\r\nTo: b@example.org\r\nSubject: dns\r\n\r\nbody\r\n"u8.ToArray();
        var field = DkimSignatureField.Create(MimeMessage.Load(new MemoryStream(bytes)), key, DateTimeOffset.UtcNow);
        var signed = MimeMessage.Load(new MemoryStream([.. field, .. bytes]));

        var verifier = new DkimVerifier(Locator(dns.Port));
        Assert.True(await verifier.VerifyAsync(signed, signed.Headers[0]));

        var other = new DkimKeySpec(2, "example.test", "s1", algorithm, DkimKeyMaterial.Generate(algorithm), true);
        var forged = MimeMessage.Load(new MemoryStream([.. DkimSignatureField.Create(MimeMessage.Load(new MemoryStream(bytes)), other, DateTimeOffset.UtcNow), .. bytes]));
        Assert.False(await verifier.VerifyAsync(forged, forged.Headers[0]));
    }

    [Fact]
    public async Task LocatePublicKeyAsync_NoRecord_ThrowsKeyUnavailable()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Txt("other._domainkey.example.test", "v=DKIM1; p=")]);
        var locator = Locator(dns.Port);
        var ex = await Assert.ThrowsAsync<DkimKeyUnavailableException>(() => locator.LocatePublicKeyAsync("dns/txt", "example.test", "s1"));
        Assert.Contains("s1._domainkey.example.test", ex.Message);
    }
}
