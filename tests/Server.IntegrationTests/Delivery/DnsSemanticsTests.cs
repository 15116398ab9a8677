using System.Net;
using MailHost.Server.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// The <see cref="IDnsResolver"/> semantics MailHost relies on, against real dnsmasq and a validating unbound:
/// TXT joining, address order, server failover rules, IPv6 server addresses, RFC 2308 negative caching, the AD bit.
/// </summary>
public sealed class DnsSemanticsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static DnsResolver Resolver(string servers, int timeoutMs = 1000) =>
        new(Options.Create(new DnsResolverOptions { DnsServers = servers, DnsTimeoutMilliseconds = timeoutMs, DnsAttempts = 1 }), TimeProvider.System, NullLogger<DnsResolver>.Instance);

    private static byte[] TxtStrings(params string[] strings) =>
        [.. strings.SelectMany(s => new[] { (byte)s.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(s)))];

    [Fact]
    public async Task Txt_StringsOfOneRecordJoined_RecordsKeptApart()
    {
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Raw("spf.test", 16, TxtStrings("v=spf1 ip4:127.0.0.1 ", "-all")),
            DnsmasqServer.Raw("spf.test", 16, TxtStrings("other")),
        ]);
        var txt = await Resolver(dns.EndPoint).ResolveTxtAsync("spf.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["other", "v=spf1 ip4:127.0.0.1 -all"], txt.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Addresses_AaaaBeforeA()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("dual.test", "127.0.0.6"), DnsmasqServer.Address("dual.test", "::1")]);
        var addresses = await Resolver(dns.EndPoint).ResolveAddressesAsync("dual.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Parse("127.0.0.6")], addresses);
    }

    [Fact]
    public async Task Mx_EqualPreferences_AfterTheLowerOne_Trailing_Dot_Dropped()
    {
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("multi.test", "c.multi.test", 20),
            DnsmasqServer.Mx("multi.test", "b.multi.test", 20),
            DnsmasqServer.Mx("multi.test", "a.multi.test", 5),
        ]);
        var mx = await Resolver(dns.EndPoint).ResolveMxAsync("multi.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("a.multi.test", mx.Hosts[0].Name);
        Assert.Equal(["b.multi.test", "c.multi.test"], mx.Hosts.Skip(1).Select(h => h.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Query_IPv6ServerWithPortInBrackets()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("v6.test", "127.0.0.8")], listenAddress: "::1");
        Assert.StartsWith("[::1]:", dns.EndPoint, StringComparison.Ordinal);
        var addresses = await Resolver(dns.EndPoint).ResolveAddressesAsync("v6.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal([IPAddress.Parse("127.0.0.8")], addresses);
    }

    [Fact]
    public async Task Query_NxDomainFromFirstServer_IsTheAnswer_NotAskedAgainElsewhere()
    {
        using var first = await DnsmasqServer.StartAsync([DnsmasqServer.Address("other.test", "127.0.0.1")]);
        using var second = await DnsmasqServer.StartAsync([DnsmasqServer.Address("x.test", "127.0.0.9")]);
        var mx = await Resolver($"{first.EndPoint},{second.EndPoint}").ResolveMxAsync("x.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(MxOutcome.NoSuchDomain, mx.Outcome);
    }

    [Fact]
    public async Task Query_RefusedByFirstServer_SecondServerAnswers()
    {
        // dnsmasq without upstream servers answers REFUSED outside its local zones.
        using var first = await DnsmasqServer.StartAsync([]);
        using var second = await DnsmasqServer.StartAsync(["--local=/example/", DnsmasqServer.Address("a.example", "127.0.0.10")]);
        var answer = await Resolver($"{first.EndPoint},{second.EndPoint}").QueryAsync("a.example", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(IPAddress.Parse("127.0.0.10"), ((AddressRecord)answer.Records.Single()).Address);
    }

    [Fact]
    public async Task NegativeAnswers_CachedForTheSoaTtl_ThenAskedAgain()
    {
        var dns = await DnsmasqServer.StartAsync([.. DnsmasqServer.AuthoritativeForTest(negativeTtl: 3), DnsmasqServer.Address("a.test", "127.0.0.11")]);
        var resolver = Resolver(dns.EndPoint, timeoutMs: 300);
        var nx = await resolver.QueryAsync("nx.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout);
        var nodata = await resolver.QueryAsync("a.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(DnsResponseCode.NameError, nx.ResponseCode);
        Assert.Equal((DnsResponseCode.NoError, 0), (nodata.ResponseCode, nodata.Records.Length));
        dns.Dispose();
        // RFC 2308 §5: within the SOA's negative TTL the answers come from the cache...
        Assert.Equal(DnsResponseCode.NameError, (await resolver.QueryAsync("nx.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout)).ResponseCode);
        Assert.Empty((await resolver.QueryAsync("a.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout)).Records);
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        // ...and after it they are asked again (the server is gone now, so that fails).
        await Assert.ThrowsAsync<DnsException>(() => resolver.QueryAsync("nx.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout));
        await Assert.ThrowsAsync<DnsException>(() => resolver.QueryAsync("a.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task NegativeAnswer_WithoutSoa_NotCached()
    {
        var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("a.test", "127.0.0.12")]);
        var resolver = Resolver(dns.EndPoint, timeoutMs: 300);
        Assert.Equal(DnsResponseCode.NameError, (await resolver.QueryAsync("nx.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout)).ResponseCode);
        dns.Dispose();
        // RFC 2308 §5: negative answers without an SOA SHOULD NOT be cached.
        await Assert.ThrowsAsync<DnsException>(() => resolver.QueryAsync("nx.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout));
    }

    private static readonly string[] SignedZone =
    [
        "@ IN MX 10 mx.signed.test.",
        "mx IN A 127.0.0.7",
        "_25._tcp.mx IN TLSA 3 1 1 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
    ];

    [Fact]
    public async Task ValidatingResolver_SignedZone_AuthenticatedData_UnsignedZoneNot()
    {
        using var unbound = await UnboundServer.StartAsync("signed.test", SignedZone, "plain.test", ["@ IN MX 10 mx.plain.test.", "mx IN A 127.0.0.13"]);
        var resolver = Resolver(unbound.EndPoint, timeoutMs: 2000);
        var mx = await resolver.QueryAsync("signed.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout);
        Assert.True(mx.Authenticated);
        Assert.Equal("mx.signed.test", ((MxRecord)mx.Records.Single()).Exchange);
        var tlsa = await resolver.QueryAsync("_25._tcp.mx.signed.test", DnsRecordType.Tlsa, CancellationToken.None).WaitAsync(Timeout);
        Assert.True(tlsa.Authenticated);
        Assert.Equal((3, 1, 1), (((TlsaRecord)tlsa.Records.Single()).Usage, ((TlsaRecord)tlsa.Records.Single()).Selector, ((TlsaRecord)tlsa.Records.Single()).MatchingType));
        // NSEC-proven non-existence is authenticated too (RFC 4035 §3.2.3).
        var nx = await resolver.QueryAsync("nx.signed.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((DnsResponseCode.NameError, true), (nx.ResponseCode, nx.Authenticated));
        var plain = await resolver.QueryAsync("plain.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout);
        Assert.False(plain.Authenticated);
        Assert.Equal("mx.plain.test", ((MxRecord)plain.Records.Single()).Exchange);
    }

    [Fact]
    public async Task ValidatingResolver_BogusSignature_NoAnswer()
    {
        // A record changed after signing: its RRSIG no longer verifies, unbound answers SERVFAIL.
        using var unbound = await UnboundServer.StartAsync("signed.test", SignedZone, "plain.test", [],
            tamper: zone => zone.Replace("127.0.0.7", "127.0.0.66", StringComparison.Ordinal));
        var resolver = Resolver(unbound.EndPoint, timeoutMs: 2000);
        await Assert.ThrowsAsync<DnsException>(() => resolver.QueryAsync("mx.signed.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout));
        Assert.True((await resolver.QueryAsync("signed.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout)).Authenticated);
    }

    [Fact]
    public async Task NonValidatingResolver_NoAuthenticatedData()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Mx("signed.test", "mx.signed.test", 10)]);
        Assert.False((await Resolver(dns.EndPoint).QueryAsync("signed.test", DnsRecordType.Mx, CancellationToken.None).WaitAsync(Timeout)).Authenticated);
    }
}
