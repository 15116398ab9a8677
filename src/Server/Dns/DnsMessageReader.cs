using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Text;

namespace MailHost.Server.Dns;

/// <summary>A parsed response: header facts and the answer section.</summary>
public sealed record DnsResponse(ushort Id, bool Truncated, DnsResponseCode ResponseCode, ImmutableArray<DnsRecord> Answers);

/// <summary>Parses RFC 1035 §4.1 response messages, following name compression (§4.1.4) with a loop guard.</summary>
public static class DnsMessageReader
{
    public static DnsResponse Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < 12)
        {
            throw new FormatException("DNS message shorter than its header");
        }
        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0)
        {
            throw new FormatException("not a DNS response (QR=0)");
        }
        var truncated = (flags & 0x0200) != 0;
        var rcode = (DnsResponseCode)(flags & 0x000F);
        var qdCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var anCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var offset = 12;
        for (var i = 0; i < qdCount; i++)
        {
            _ = ReadName(message, ref offset);
            offset += 4;
        }
        var answers = ImmutableArray.CreateBuilder<DnsRecord>(anCount);
        for (var i = 0; i < anCount && offset < message.Length; i++)
        {
            answers.Add(ReadRecord(message, ref offset));
        }
        return new DnsResponse(id, truncated, rcode, answers.ToImmutable());
    }

    private static DnsRecord ReadRecord(ReadOnlySpan<byte> message, ref int offset)
    {
        var name = ReadName(message, ref offset);
        Need(message, offset, 10);
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        offset += 10;
        Need(message, offset, length);
        var start = offset;
        var data = message.Slice(offset, length);
        offset += length;
        // RFC 2181 §8: a TTL with the top bit set is treated as zero.
        if (ttl > int.MaxValue)
        {
            ttl = 0;
        }
        switch (type)
        {
            case DnsRecordType.A when length == 4:
            case DnsRecordType.Aaaa when length == 16:
                return new AddressRecord(name, type, ttl, new IPAddress(data));
            case DnsRecordType.Mx when length >= 3:
                {
                    var at = start + 2;
                    return new MxRecord(name, ttl, BinaryPrimitives.ReadUInt16BigEndian(data), ReadName(message, ref at));
                }
            case DnsRecordType.Cname or DnsRecordType.Ptr or DnsRecordType.Ns:
                {
                    var at = start;
                    return new NameRecord(name, type, ttl, ReadName(message, ref at));
                }
            case DnsRecordType.Txt:
                {
                    var strings = ImmutableArray.CreateBuilder<string>();
                    var i = 0;
                    while (i < data.Length)
                    {
                        int n = data[i];
                        if (i + 1 + n > data.Length)
                        {
                            throw new FormatException("TXT character-string overruns its record");
                        }
                        strings.Add(Encoding.UTF8.GetString(data.Slice(i + 1, n)));
                        i += 1 + n;
                    }
                    return new TxtRecord(name, ttl, strings.ToImmutable());
                }
            case DnsRecordType.Tlsa when length >= 3:
                return new TlsaRecord(name, ttl, data[0], data[1], data[2], [.. data[3..]]);
            default:
                return new OtherRecord(name, type, ttl, [.. data]);
        }
    }

    private static string ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var labels = new List<string>();
        var at = offset;
        var jumped = false;
        for (var hops = 0; ; hops++)
        {
            if (hops > 128)
            {
                throw new FormatException("DNS name compression loop");
            }
            Need(message, at, 1);
            int len = message[at];
            if (len == 0)
            {
                at++;
                break;
            }
            if ((len & 0xC0) == 0xC0)
            {
                Need(message, at, 2);
                var pointer = BinaryPrimitives.ReadUInt16BigEndian(message[at..]) & 0x3FFF;
                if (!jumped)
                {
                    offset = at + 2;
                }
                jumped = true;
                at = pointer;
                continue;
            }
            Need(message, at + 1, len);
            labels.Add(Encoding.ASCII.GetString(message.Slice(at + 1, len)));
            at += 1 + len;
        }
        if (!jumped)
        {
            offset = at;
        }
        return string.Join('.', labels).ToLowerInvariant();
    }

    private static void Need(ReadOnlySpan<byte> message, int offset, int count)
    {
        if (offset < 0 || offset + count > message.Length)
        {
            throw new FormatException("DNS message truncated inside a record");
        }
    }
}
