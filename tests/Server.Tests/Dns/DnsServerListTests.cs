using System.Net;
using MailHost.Server.Dns;

namespace MailHost.Server.Tests.Dns;

public sealed class DnsServerListTests
{
    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1:53")]
    [InlineData("192.0.2.1:5353", "192.0.2.1:5353")]
    [InlineData("::1", "[::1]:53")]
    [InlineData("[::1]:5353", "[::1]:5353")]
    [InlineData("[2001:db8::53]", "[2001:db8::53]:53")]
    public void ParseEndPoint_AddressWithOptionalPort(string text, string expected) =>
        Assert.Equal(expected, DnsServerList.ParseEndPoint(text).ToString());

    [Fact]
    public void Resolve_ConfiguredList_InOrder()
    {
        var servers = DnsServerList.Resolve(" 127.0.0.1:5353, [::1]:5354 ,10.0.0.1");
        Assert.Equal(["127.0.0.1:5353", "[::1]:5354", "10.0.0.1:53"], servers.Select(s => s.ToString()));
    }

    [Fact]
    public void ParseEndPoint_Garbage_FormatException() =>
        Assert.Throws<FormatException>(() => DnsServerList.ParseEndPoint("dns.example"));

    [Fact]
    public void Resolve_NothingConfigured_TheNameserversOfResolvConf()
    {
        // DnsClient reads the system's servers; on Linux they are /etc/resolv.conf's nameserver lines.
        var expected = File.Exists("/etc/resolv.conf")
            ? File.ReadLines("/etc/resolv.conf").Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length >= 2 && p[0] == "nameserver").Select(p => IPAddress.Parse(p[1].Split('%')[0])).ToList()
            : [];
        var servers = DnsServerList.Resolve(null);
        if (expected.Count == 0)
        {
            Assert.Equal([new IPEndPoint(IPAddress.Loopback, 53)], servers);
        }
        else
        {
            Assert.Equal(expected, servers.Select(s => s.Address));
            Assert.All(servers, s => Assert.Equal(53, s.Port));
        }
    }

    [Theory]
    [InlineData("192.0.2.1", "1.2.0.192.in-addr.arpa")]
    [InlineData("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    public void ReverseName_Rfc1035AndRfc3596Forms(string address, string expected) =>
        Assert.Equal(expected, DnsLookups.ReverseName(IPAddress.Parse(address)));
}
