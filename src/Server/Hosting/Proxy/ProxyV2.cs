using System.Buffers.Binary;
using System.Net;

namespace MailHost.Server.Hosting.Proxy;

/// <summary>
/// The v2 binary header: 12-byte signature, version/command, family/transport, a 16-bit length, then the
/// addresses and optional TLVs. TLVs are walked with bounds and skipped; we only need the addresses.
/// </summary>
internal static class ProxyV2
{
    /// <summary>Addresses (36 bytes for IPv6, 216 for UNIX) plus room for a few TLVs; a longer header is refused.</summary>
    public const int MaxPayload = 512;

    private static ReadOnlySpan<byte> Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static bool HasSignature(ReadOnlySpan<byte> probe) => probe.StartsWith(Signature);

    public static async Task<ProxyHeader> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[4];
        await ProxyHeaderReader.ReadExactlyAsync(stream, fixedPart, cancellationToken);
        var length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(2));
        if (length > MaxPayload)
        {
            throw new ProxyHeaderException($"v2 PROXY header of {length} bytes is over the {MaxPayload}-byte limit");
        }
        var payload = new byte[length];
        await ProxyHeaderReader.ReadExactlyAsync(stream, payload, cancellationToken);
        return Parse(fixedPart[0], fixedPart[1], payload);
    }

    public static ProxyHeader Parse(byte versionCommand, byte familyTransport, ReadOnlySpan<byte> payload)
    {
        if (versionCommand >> 4 != 2)
        {
            throw new ProxyHeaderException($"v2 PROXY header has version {versionCommand >> 4}");
        }
        var command = versionCommand & 0x0F;
        if (command > 1)
        {
            throw new ProxyHeaderException($"v2 PROXY command {command} is neither LOCAL nor PROXY");
        }
        var family = familyTransport >> 4;
        var transport = familyTransport & 0x0F;
        if (family > 3 || transport > 2)
        {
            throw new ProxyHeaderException($"v2 PROXY family/transport 0x{familyTransport:x2} is not defined");
        }
        var addressLength = family switch { 1 => 12, 2 => 36, 3 => 216, _ => 0 };
        if (payload.Length < addressLength)
        {
            throw new ProxyHeaderException($"v2 PROXY header of {payload.Length} bytes is too short for its addresses");
        }
        SkipTlvs(payload[addressLength..]);
        // LOCAL (a health check from the proxy itself), UNSPEC and UNIX keep the proxy's own address.
        if (command == 0 || family is 0 or 3 || transport != 1)
        {
            return new ProxyHeader(2, null, null);
        }
        var size = family == 1 ? 4 : 16;
        var source = new IPEndPoint(new IPAddress(payload[..size]), BinaryPrimitives.ReadUInt16BigEndian(payload[(2 * size)..]));
        var destination = new IPEndPoint(new IPAddress(payload.Slice(size, size)), BinaryPrimitives.ReadUInt16BigEndian(payload[(2 * size + 2)..]));
        return new ProxyHeader(2, source, destination);
    }

    private static void SkipTlvs(ReadOnlySpan<byte> tlvs)
    {
        while (tlvs.Length > 0)
        {
            if (tlvs.Length < 3)
            {
                throw new ProxyHeaderException("v2 PROXY TLV is cut short");
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..]);
            if (3 + length > tlvs.Length)
            {
                throw new ProxyHeaderException("v2 PROXY TLV runs past the header");
            }
            tlvs = tlvs[(3 + length)..];
        }
    }
}
