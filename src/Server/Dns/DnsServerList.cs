using System.Net;
using DnsClient;

namespace MailHost.Server.Dns;

/// <summary>
/// The name servers to ask: `MailHost:DnsServers` ("127.0.0.1:5353,[::1]:53,10.0.0.1"), else the
/// system's (DnsClient reads /etc/resolv.conf on Linux), else 127.0.0.1:53. Never a public resolver:
/// DnsClient's own fallback to Google's servers is turned off, because a mail server must not send
/// its look-ups to a third party nobody configured.
/// </summary>
public static class DnsServerList
{
    public static IReadOnlyList<IPEndPoint> Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return [.. configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseEndPoint)];
        }
        try
        {
            var system = NameServer.ResolveNameServers(skipIPv6SiteLocal: false, fallbackToGooglePublicDns: false);
            if (system.Count > 0)
            {
                return [.. system.Select(s => new IPEndPoint(IPAddress.Parse(s.Address), s.Port)).Distinct()];
            }
        }
        catch (InvalidOperationException)
        {
            // DnsClient found none: fall through to the local resolver.
        }
        return [new IPEndPoint(IPAddress.Loopback, 53)];
    }

    /// <summary>"192.0.2.1", "192.0.2.1:5353", "::1", "[::1]:5353" (RFC 3986 brackets when a port follows an IPv6 address).</summary>
    public static IPEndPoint ParseEndPoint(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IPAddress.TryParse(text, out var bare) && !text.StartsWith('['))
        {
            return new IPEndPoint(bare, NameServer.DefaultPort);
        }
        if (IPEndPoint.TryParse(text, out var ep))
        {
            return ep.Port == 0 ? new IPEndPoint(ep.Address, NameServer.DefaultPort) : ep;
        }
        throw new FormatException($"'{text}' is not a DNS server address[:port]");
    }
}
