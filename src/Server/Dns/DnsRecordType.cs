namespace MailHost.Server.Dns;

/// <summary>The RR types MailHost asks for (RFC 1035 §3.2.2, RFC 3596, RFC 6698, RFC 6891).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Ns = 2,
    Cname = 5,
    Soa = 6,
    Ptr = 12,
    Mx = 15,
    Txt = 16,
    Aaaa = 28,
    Opt = 41,
    Tlsa = 52,
}

/// <summary>RFC 1035 §4.1.1 RCODE values MailHost distinguishes.</summary>
public enum DnsResponseCode
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}
