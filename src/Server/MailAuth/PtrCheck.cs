using System.Net;
using System.Net.Sockets;
using MailHost.Server.Dns;

namespace MailHost.Server.MailAuth;

/// <summary>
/// Forward-confirmed reverse DNS of our host name, as receivers check it: every A/AAAA address of the
/// name must have a PTR record naming it back.
/// </summary>
public static class PtrCheck
{
    public static async Task<PublishedRecord> CheckAsync(IDnsResolver dns, string hostname, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(hostname);
        var host = hostname.TrimEnd('.').ToLowerInvariant();
        try
        {
            var addresses = new List<IPAddress>();
            foreach (var type in new[] { DnsRecordType.A, DnsRecordType.Aaaa })
            {
                addresses.AddRange((await dns.QueryAsync(host, type, cancellationToken)).Records.OfType<AddressRecord>().Select(a => a.Address));
            }
            if (addresses.Count == 0)
            {
                return new PublishedRecord("PTR", host, "PTR", host, false, $"{host} has no A or AAAA record, so no address to check the PTR of");
            }
            // At most a few addresses: a host name with dozens is not a mail server's.
            foreach (var address in addresses.Take(8))
            {
                var names = (await dns.QueryAsync(ReverseName(address), DnsRecordType.Ptr, cancellationToken)).Records.OfType<NameRecord>()
                    .Select(n => n.Target.TrimEnd('.').ToLowerInvariant()).ToList();
                if (!names.Contains(host))
                {
                    return new PublishedRecord("PTR", ReverseName(address), "PTR", host + ".", false,
                        names.Count == 0 ? $"{address} has no PTR record: ask your hosting provider to set it to {host}" : $"{address} points to {string.Join(", ", names)}, not {host}");
                }
            }
            return new PublishedRecord("PTR", string.Join(", ", addresses.Take(8).Select(ReverseName)), "PTR", host + ".", true, $"every address of {host} points back to it");
        }
        catch (DnsException ex)
        {
            return new PublishedRecord("PTR", host, "PTR", host + ".", false, "DNS error: " + ex.Message);
        }
    }

    /// <summary>RFC 1035 §3.5 in-addr.arpa and RFC 3596 §2.5 ip6.arpa names.</summary>
    public static string ReverseName(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? string.Join('.', bytes.Reverse().Select(b => b.ToString(CultureInfo.InvariantCulture))) + ".in-addr.arpa"
            : string.Join('.', bytes.Reverse().SelectMany(b => new[] { b & 0xF, b >> 4 }).Select(n => n.ToString("x", CultureInfo.InvariantCulture))) + ".ip6.arpa";
    }
}
