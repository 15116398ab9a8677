using System.Collections.Immutable;
using DnsClient.Protocol;
using Dc = DnsClient.Protocol;

namespace MailHost.Server.Dns;

/// <summary>DnsClient's records as MailHost's <see cref="DnsRecord"/> types (names without the trailing dot).</summary>
internal static class DnsRecordMapper
{
    public static DnsRecord Map(DnsResourceRecord record)
    {
        var name = Name(record.DomainName.Value);
        // RFC 2181 §8: a TTL with the top bit set counts as zero; DnsClient reads it as a negative int.
        var ttl = (uint)Math.Max(0, record.TimeToLive);
        return record switch
        {
            ARecord a => new AddressRecord(name, DnsRecordType.A, ttl, a.Address),
            AaaaRecord a => new AddressRecord(name, DnsRecordType.Aaaa, ttl, a.Address),
            // RFC 7505: the null MX's exchange "." becomes the empty name.
            Dc.MxRecord mx => new MxRecord(name, ttl, mx.Preference, Name(mx.Exchange.Value)),
            Dc.TxtRecord txt => new TxtRecord(name, ttl, [.. txt.Text]),
            PtrRecord ptr => new NameRecord(name, DnsRecordType.Ptr, ttl, Name(ptr.PtrDomainName.Value)),
            CNameRecord cname => new NameRecord(name, DnsRecordType.Cname, ttl, Name(cname.CanonicalName.Value)),
            NsRecord ns => new NameRecord(name, DnsRecordType.Ns, ttl, Name(ns.NSDName.Value)),
            Dc.TlsaRecord tlsa => new TlsaRecord(name, ttl, (byte)tlsa.CertificateUsage, (byte)tlsa.Selector, (byte)tlsa.MatchingType, [.. tlsa.CertificateAssociationData]),
            UnknownRecord other => new OtherRecord(name, (DnsRecordType)(ushort)other.RecordType, ttl, [.. other.Data]),
            _ => new OtherRecord(name, (DnsRecordType)(ushort)record.RecordType, ttl, ImmutableArray<byte>.Empty),
        };
    }

    private static string Name(string value) => value.TrimEnd('.');
}
