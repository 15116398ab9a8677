using System.Net;
using MailHost.Server.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>The resolver against a real dnsmasq on loopback.</summary>
public sealed class DnsResolverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static DnsResolver Resolver(string servers, int timeoutMs = 1000) =>
        new(Options.Create(new DnsResolverOptions { DnsServers = servers, DnsTimeoutMilliseconds = timeoutMs, DnsAttempts = 1 }), TimeProvider.System, NullLogger<DnsResolver>.Instance);

    [Fact]
    public async Task Mx_SeveralRecords_OrderedByPreference()
    {
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "mx2.example.test", 20),
            DnsmasqServer.Mx("example.test", "mx1.example.test", 10),
            DnsmasqServer.Address("mx1.example.test", "127.0.0.1"),
            DnsmasqServer.Address("mx2.example.test", "127.0.0.2"),
        ]);
        var mx = await Resolver(dns.EndPoint).ResolveMxAsync("example.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(MxOutcome.Hosts, mx.Outcome);
        Assert.Equal(["mx1.example.test", "mx2.example.test"], mx.Hosts.Select(h => h.Name));
        Assert.Equal([10, 20], mx.Hosts.Select(h => (int)h.Preference));
    }

    [Fact]
    public async Task Mx_NullMx_ReportedAsNullMx()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.NullMx("nomail.test")]);
        var mx = await Resolver(dns.EndPoint).ResolveMxAsync("nomail.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(MxOutcome.NullMx, mx.Outcome);
    }

    [Fact]
    public async Task Mx_NoMxButAddress_ImplicitMxIsTheDomain()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("plain.test", "127.0.0.3")]);
        var resolver = Resolver(dns.EndPoint);
        var mx = await resolver.ResolveMxAsync("plain.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(MxOutcome.Hosts, mx.Outcome);
        Assert.Equal("plain.test", Assert.Single(mx.Hosts).Name);
        Assert.Equal([IPAddress.Parse("127.0.0.3")], await resolver.ResolveAddressesAsync("plain.test", CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Mx_UnknownDomain_NoSuchDomain()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("known.test", "127.0.0.1")]);
        var mx = await Resolver(dns.EndPoint).ResolveMxAsync("unknown-name.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(MxOutcome.NoSuchDomain, mx.Outcome);
    }

    [Fact]
    public async Task Txt_LargerThanUdpPayload_FetchedOverTcp()
    {
        // Twelve 255-octet strings: over the 1232-octet EDNS0 size, so dnsmasq truncates over UDP and we must retry on TCP.
        var text = string.Concat(Enumerable.Range(0, 12 * 255).Select(i => (char)('a' + i % 26)));
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Txt("big.test", text)]);
        var txt = await Resolver(dns.EndPoint).ResolveTxtAsync("big.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(text, Assert.Single(txt));
    }

    [Fact]
    public async Task TlsaAndPtr_Decoded()
    {
        byte[] digest = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Raw("_25._tcp.mx.example.test", 52, [3, 1, 1, .. digest]),
            "--ptr-record=9.0.0.127.in-addr.arpa,mx9.example.test",
        ]);
        var resolver = Resolver(dns.EndPoint);
        var tlsa = Assert.Single(await resolver.ResolveTlsaAsync("mx.example.test", 25, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal((3, 1, 1), (tlsa.Usage, tlsa.Selector, tlsa.MatchingType));
        Assert.Equal(digest, tlsa.Data.ToArray());
        Assert.Equal(["mx9.example.test"], await resolver.ResolvePtrAsync(IPAddress.Parse("127.0.0.9"), CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Query_FirstServerSilent_SecondServerAnswers()
    {
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("a.test", "127.0.0.4")]);
        // A UDP port nobody answers on: the resolver must time out there and move on.
        using var silent = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var silentPort = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        var resolver = Resolver($"127.0.0.1:{silentPort},{dns.EndPoint}", timeoutMs: 300);
        var addresses = await resolver.ResolveAddressesAsync("a.test", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal([IPAddress.Parse("127.0.0.4")], addresses);
    }

    [Fact]
    public async Task Query_ServerGoneAfterAnswer_CachedAnswerWithinTtl()
    {
        var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Address("cached.test", "127.0.0.5")], ttl: 300);
        var resolver = Resolver(dns.EndPoint, timeoutMs: 300);
        var first = await resolver.QueryAsync("cached.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(300u, first.Records.Single().Ttl);
        dns.Dispose();
        var again = await resolver.QueryAsync("cached.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(IPAddress.Parse("127.0.0.5"), ((AddressRecord)again.Records.Single()).Address);
        await Assert.ThrowsAsync<DnsException>(() => resolver.QueryAsync("other.test", DnsRecordType.A, CancellationToken.None).WaitAsync(Timeout));
    }
}
