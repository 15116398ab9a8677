using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailHost.Server.Hosting.Proxy;

/// <summary>
/// The v1 text header: "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or "PROXY UNKNOWN ...\r\n", 107 bytes at most
/// with the CRLF. Parsed strictly: single spaces, literal addresses of the named family, decimal ports.
/// </summary>
internal static class ProxyV1
{
    public const int MaxLine = 107;

    public static bool HasSignature(ReadOnlySpan<byte> probe) => probe.StartsWith("PROXY "u8);

    public static async Task<ProxyHeader> ReadAsync(Stream stream, byte[] probe, CancellationToken cancellationToken)
    {
        // One byte at a time up to the LF: the header carries no length and what follows is not ours to read.
        var line = new byte[MaxLine];
        probe.CopyTo(line, 0);
        var length = probe.Length;
        while (length == probe.Length || line[length - 1] != (byte)'\n')
        {
            if (length == MaxLine)
            {
                throw new ProxyHeaderException($"v1 PROXY line longer than {MaxLine} bytes");
            }
            await ProxyHeaderReader.ReadExactlyAsync(stream, line.AsMemory(length, 1), cancellationToken);
            length++;
        }
        return Parse(line.AsSpan(0, length));
    }

    public static ProxyHeader Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length < 2 || line[^2] != (byte)'\r' || line[^1] != (byte)'\n')
        {
            throw new ProxyHeaderException("v1 PROXY line does not end in CRLF");
        }
        foreach (var b in line[..^2])
        {
            if (b is < 0x20 or > 0x7E)
            {
                throw new ProxyHeaderException("v1 PROXY line has a control or non-ASCII byte");
            }
        }
        var fields = Encoding.ASCII.GetString(line[..^2]).Split(' ');
        if (fields.Length >= 2 && fields[1] == "UNKNOWN")
        {
            // The spec lets a proxy that cannot name the client say so; the rest of the line is ignored.
            return new ProxyHeader(1, null, null);
        }
        if (fields.Length != 6 || fields[0] != "PROXY")
        {
            throw new ProxyHeaderException("v1 PROXY line needs PROXY, the protocol, two addresses and two ports");
        }
        var family = fields[1] switch
        {
            "TCP4" => AddressFamily.InterNetwork,
            "TCP6" => AddressFamily.InterNetworkV6,
            _ => throw new ProxyHeaderException($"v1 PROXY protocol '{fields[1]}' is not TCP4, TCP6 or UNKNOWN"),
        };
        var source = EndPoint(fields[2], fields[4], family);
        var destination = EndPoint(fields[3], fields[5], family);
        return new ProxyHeader(1, source, destination);
    }

    private static IPEndPoint EndPoint(string address, string port, AddressFamily family)
    {
        // IPAddress.TryParse also takes "1" or "0x7f.1"; the spec wants the canonical dotted or colon form.
        var literal = family == AddressFamily.InterNetwork
            ? address.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit))
            : address.Contains(':', StringComparison.Ordinal) && address.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.');
        if (!literal || !IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family)
        {
            throw new ProxyHeaderException($"v1 PROXY address '{address}' is not a {(family == AddressFamily.InterNetwork ? "TCP4" : "TCP6")} literal");
        }
        if (port.Length is < 1 or > 5 || !port.All(char.IsAsciiDigit)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            throw new ProxyHeaderException($"v1 PROXY port '{port}' is not 0-65535");
        }
        return new IPEndPoint(ip, number);
    }
}
