namespace MailHost.Server.Dns;

/// <summary>Bound from the "MailHost" section: `MailHost:DnsServers` ("127.0.0.1:5353,10.0.0.1"), else /etc/resolv.conf.</summary>
public sealed class DnsResolverOptions
{
    public string? DnsServers { get; set; }
    public int DnsTimeoutMilliseconds { get; set; } = 2000;
    public int DnsAttempts { get; set; } = 2;
}
