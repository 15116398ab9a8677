using System.Collections.Immutable;
using System.Net;

namespace MailHost.Server.Dns;

/// <summary>One resource record from an answer section, with its data decoded for the types MailHost uses.</summary>
public abstract record DnsRecord(string Name, DnsRecordType Type, uint Ttl);

public sealed record AddressRecord(string Name, DnsRecordType Type, uint Ttl, IPAddress Address) : DnsRecord(Name, Type, Ttl);

public sealed record MxRecord(string Name, uint Ttl, ushort Preference, string Exchange) : DnsRecord(Name, DnsRecordType.Mx, Ttl);

/// <summary>TXT: the character-strings as bytes joined (RFC 7208 §3.3 and RFC 6376 §3.6.2.2 both concatenate them).</summary>
public sealed record TxtRecord(string Name, uint Ttl, ImmutableArray<string> Strings) : DnsRecord(Name, DnsRecordType.Txt, Ttl)
{
    public string Text => string.Concat(Strings);
}

/// <summary>Names in record data: CNAME, PTR, NS.</summary>
public sealed record NameRecord(string Name, DnsRecordType Type, uint Ttl, string Target) : DnsRecord(Name, Type, Ttl);

/// <summary>RFC 6698 §2.1 TLSA.</summary>
public sealed record TlsaRecord(string Name, uint Ttl, byte Usage, byte Selector, byte MatchingType, ImmutableArray<byte> Data) : DnsRecord(Name, DnsRecordType.Tlsa, Ttl);

public sealed record OtherRecord(string Name, DnsRecordType Type, uint Ttl, ImmutableArray<byte> Data) : DnsRecord(Name, Type, Ttl);

/// <summary>
/// The outcome of one question: the response code and the answer records of the asked type (after CNAMEs).
/// <paramref name="Authenticated"/> is the AD bit (RFC 4035 §3.2.3): the resolver validated the answer with
/// DNSSEC. Only meaningful when that resolver is trusted and validating (e.g. unbound on localhost); DANE needs it.
/// </summary>
public sealed record DnsAnswer(DnsResponseCode ResponseCode, ImmutableArray<DnsRecord> Records, bool Authenticated = false)
{
    public bool NameExists => ResponseCode != DnsResponseCode.NameError;
}

/// <summary>The DNS could not give an answer (every server timed out, failed or refused): a transient condition.</summary>
public sealed class DnsException(string message, Exception? inner = null) : Exception(message, inner);
