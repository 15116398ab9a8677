using System.Buffers.Binary;
using System.Text;

namespace MailHost.Server.Dns;

/// <summary>Builds RFC 1035 §4.1 query messages, with an EDNS0 OPT record (RFC 6891 §6.1.2).</summary>
public static class DnsMessageWriter
{
    /// <summary>The UDP payload size advertised: the DNS flag day 2020 value, which avoids IP fragmentation.</summary>
    public const ushort EdnsPayloadSize = 1232;

    public static byte[] BuildQuery(ushort id, string name, DnsRecordType type, bool edns = true)
    {
        var buffer = new List<byte>(64);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        header[2] = 0x01; // RD: recursion desired (RFC 1035 §4.1.1)
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1); // QDCOUNT
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)(edns ? 1 : 0)); // ARCOUNT
        buffer.AddRange(header.ToArray());
        WriteName(buffer, name);
        WriteUInt16(buffer, (ushort)type);
        WriteUInt16(buffer, 1); // QCLASS IN
        if (edns)
        {
            // RFC 6891 §6.1.2: root owner, TYPE OPT, CLASS = payload size, TTL = extended RCODE/version/flags, empty RDATA.
            buffer.Add(0);
            WriteUInt16(buffer, (ushort)DnsRecordType.Opt);
            WriteUInt16(buffer, EdnsPayloadSize);
            buffer.AddRange([0, 0, 0, 0]);
            WriteUInt16(buffer, 0);
        }
        return [.. buffer];
    }

    private static void WriteName(List<byte> buffer, string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            // RFC 1035 §2.3.4: labels are 63 octets or less.
            if (bytes.Length > 63)
            {
                throw new ArgumentException($"DNS label too long in '{name}'", nameof(name));
            }
            buffer.Add((byte)bytes.Length);
            buffer.AddRange(bytes);
        }
        buffer.Add(0);
    }

    private static void WriteUInt16(List<byte> buffer, ushort value)
    {
        buffer.Add((byte)(value >> 8));
        buffer.Add((byte)value);
    }
}
