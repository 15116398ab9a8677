using System.Net;
using MailHost.Server.Dns;

namespace MailHost.Server.Tests.Dns;

public sealed class DnsMessageTests
{
    [Fact]
    public void BuildQuery_MxWithEdns_HeaderQuestionAndOpt()
    {
        var q = DnsMessageWriter.BuildQuery(0x1234, "Example.test.", DnsRecordType.Mx);
        Assert.Equal([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1], q[..12]);
        Assert.Equal([7, .. "Example"u8.ToArray(), 4, .. "test"u8.ToArray(), 0, 0, 15, 0, 1], q[12..30]);
        // OPT: root owner, type 41, class = UDP payload size 1232.
        Assert.Equal([0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0], q[30..]);
    }

    [Fact]
    public void Parse_CompressedMxAndAddress_Decoded()
    {
        // Response to "example.test MX": answer MX 10 mx.example.test (compressed), additional-free.
        byte[] msg =
        [
            0xAB, 0xCD, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
            7, .. "example"u8.ToArray(), 4, .. "test"u8.ToArray(), 0, 0, 15, 0, 1,
            0xC0, 12, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, 7, 0, 10, 2, (byte)'m', (byte)'x', 0xC0, 12,
            0xC0, 12, 0, 1, 0, 1, 0x80, 0, 0, 0, 0, 4, 127, 0, 0, 1,
        ];
        var r = DnsMessageReader.Parse(msg);
        Assert.Equal(0xABCD, r.Id);
        Assert.False(r.Truncated);
        Assert.Equal(DnsResponseCode.NoError, r.ResponseCode);
        var mx = Assert.IsType<MxRecord>(r.Answers[0]);
        Assert.Equal(("example.test", 3600u, (ushort)10, "mx.example.test"), (mx.Name, mx.Ttl, mx.Preference, mx.Exchange));
        var a = Assert.IsType<AddressRecord>(r.Answers[1]);
        Assert.Equal(IPAddress.Loopback, a.Address);
        // RFC 2181 §8: a TTL with the top bit set counts as zero.
        Assert.Equal(0u, a.Ttl);
    }

    [Fact]
    public void Parse_CompressionLoop_Rejected()
    {
        byte[] msg = [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];
        Assert.Throws<FormatException>(() => DnsMessageReader.Parse(msg));
    }

    [Fact]
    public void Parse_TruncatedFlagAndNxDomain_Reported()
    {
        byte[] msg = [0, 1, 0x83, 0x83, 0, 0, 0, 0, 0, 0, 0, 0];
        var r = DnsMessageReader.Parse(msg);
        Assert.True(r.Truncated);
        Assert.Equal(DnsResponseCode.NameError, r.ResponseCode);
    }

    [Theory]
    [InlineData("192.0.2.1", "1.2.0.192.in-addr.arpa")]
    [InlineData("2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    public void ReverseName_Rfc1035AndRfc3596Forms(string address, string expected) =>
        Assert.Equal(expected, DnsLookups.ReverseName(IPAddress.Parse(address)));

    [Fact]
    public void ResolvConf_NameserverLines_Port53()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "# comment\nsearch example\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\n");
        var servers = ResolvConf.Servers(null, path);
        File.Delete(path);
        Assert.Equal(["192.0.2.53:53", "[fe80::1]:53"], servers.Select(s => s.ToString()));
        Assert.Equal("127.0.0.1:5353", Assert.Single(ResolvConf.Servers("127.0.0.1:5353", path)).ToString());
    }
}
