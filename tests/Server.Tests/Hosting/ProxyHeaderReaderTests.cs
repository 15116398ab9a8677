using System.Net;
using System.Text;
using MailHost.Server.Hosting.Proxy;
using MailHost.Shared.Entities;

namespace MailHost.Server.Tests.Hosting;

/// <summary>
/// The PROXY header reader on byte streams: headers as haproxy writes them (proxy-protocol.txt examples),
/// bytes after the header left unread, and malformed, oversized or lying headers refused.
/// </summary>
public sealed class ProxyHeaderReaderTests
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
    private static readonly byte[] After = "EHLO client\r\n"u8.ToArray();

    private static async Task<(ProxyHeader Header, MemoryStream Stream)> ReadAsync(byte[] header, ProxyProtocolMode mode = ProxyProtocolMode.Any)
    {
        var stream = new MemoryStream([.. header, .. After]);
        var result = await ProxyHeaderReader.ReadAsync(stream, mode, TimeSpan.FromSeconds(5), CancellationToken.None);
        return (result, stream);
    }

    private static byte[] V2(byte command, byte family, byte[] body) =>
        [.. V2Signature, (byte)(0x20 | command), family, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    [Fact]
    public async Task V1Tcp4_GivesClientAndStopsAtTheHeader()
    {
        var header = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 25\r\n"u8.ToArray();
        var (h, stream) = await ReadAsync(header);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 56324), h.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 25), h.Destination);
        Assert.Equal(header.Length, stream.Position);
    }

    [Fact]
    public async Task V1Tcp6_AndUnknown()
    {
        var (h6, _) = await ReadAsync("PROXY TCP6 2001:db8::1 2001:db8::2 4000 993\r\n"u8.ToArray());
        Assert.Equal(IPAddress.Parse("2001:db8::1"), h6.Source!.Address);
        var unknown = "PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"u8.ToArray();
        var (hu, stream) = await ReadAsync(unknown);
        Assert.Null(hu.Source);
        Assert.Equal(unknown.Length, stream.Position);
    }

    [Fact]
    public async Task V2Inet_WithTlvs_GivesClientAndStopsAtTheHeader()
    {
        // Addresses, ports, then two TLVs (ALPN "smtp", a NOOP of 3 bytes) that must be skipped.
        byte[] body = [192, 0, 2, 10, 198, 51, 100, 1, 0xDC, 0x04, 0, 25, 0x01, 0, 4, .. "smtp"u8, 0x04, 0, 3, 0, 0, 0];
        var header = V2(1, 0x11, body);
        var (h, stream) = await ReadAsync(header);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 0xDC04), h.Source);
        Assert.Equal(header.Length, stream.Position);
    }

    [Fact]
    public async Task V2Inet6_AndLocal()
    {
        var src = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var dst = IPAddress.Parse("2001:db8::8").GetAddressBytes();
        var (h, _) = await ReadAsync(V2(1, 0x21, [.. src, .. dst, 0x10, 0x00, 0x03, 0xE1]));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 4096), h.Source);
        // LOCAL: a health check by the proxy itself; the addresses (if any) are ignored.
        var (local, _) = await ReadAsync(V2(0, 0x11, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2]));
        Assert.Null(local.Source);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "no header", "EHLO client.example\r\n" },
        { "v1 without CRLF end", "PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n" },
        { "v1 wrong family", "PROXY TCP4 2001:db8::1 192.0.2.2 1 2\r\n" },
        { "v1 short IPv4 form", "PROXY TCP4 127.1 192.0.2.2 1 2\r\n" },
        { "v1 port too big", "PROXY TCP4 192.0.2.1 192.0.2.2 65536 2\r\n" },
        { "v1 double space", "PROXY TCP4  192.0.2.1 192.0.2.2 1 2\r\n" },
        { "v1 UDP", "PROXY UDP4 192.0.2.1 192.0.2.2 1 2\r\n" },
        { "v1 too long", "PROXY TCP4 " + new string('1', 120) + "\r\n" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task BadV1_Refused(string why, string text)
    {
        var ex = await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync(Encoding.ASCII.GetBytes(text)));
        Assert.False(string.IsNullOrEmpty(ex.Message), why);
    }

    [Fact]
    public async Task V1TooLong_ReadsNoMoreThan107Bytes()
    {
        var stream = new MemoryStream(Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 5000)));
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ProxyHeaderReader.ReadAsync(stream, ProxyProtocolMode.V1, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(107, stream.Position);
    }

    [Fact]
    public async Task BadV2_Refused()
    {
        // Version 1 in the v2 frame, command 2, a TLV running past the end, an oversized length, too short for IPv4.
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync([.. V2Signature, 0x11, 0x11, 0, 0]));
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync(V2(2, 0x11, new byte[12])));
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync(V2(1, 0x11, [.. new byte[12], 0x01, 0, 200, 1])));
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync([.. V2Signature, 0x21, 0x11, 0xFF, 0xFF]));
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync(V2(1, 0x11, new byte[8])));
    }

    [Fact]
    public async Task WrongVersionForTheListener_Refused()
    {
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync("PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n"u8.ToArray(), ProxyProtocolMode.V2));
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ReadAsync(V2(0, 0, []), ProxyProtocolMode.V1));
    }

    [Fact]
    public async Task TruncatedHeader_Refused()
    {
        var stream = new MemoryStream("PROXY TCP4 192.0.2.1"u8.ToArray());
        await Assert.ThrowsAsync<ProxyHeaderException>(() => ProxyHeaderReader.ReadAsync(stream, ProxyProtocolMode.Any, TimeSpan.FromSeconds(5), CancellationToken.None));
    }
}
