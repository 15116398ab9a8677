using System.Net;

namespace MailHost.Server.Dns;

/// <summary>Where mail for a domain goes, per RFC 5321 §5.1 and RFC 7505.</summary>
public enum MxOutcome
{
    Hosts,
    NullMx,
    NoSuchDomain,
}

public sealed record MxHost(string Name, ushort Preference);

/// <param name="Authenticated">The MX answer was DNSSEC-validated (AD bit): the precondition for DANE (RFC 7672 §2.2.1).</param>
public sealed record MxResolution(MxOutcome Outcome, IReadOnlyList<MxHost> Hosts, bool Authenticated = false);

/// <param name="Authenticated">Every address answer (AAAA and A) was DNSSEC-validated (RFC 7672 §2.2.2).</param>
public sealed record AddressResolution(IReadOnlyList<IPAddress> Addresses, bool Authenticated);

/// <summary>Typed look-ups on top of <see cref="IDnsResolver"/>.</summary>
public static class DnsLookups
{
    /// <summary>
    /// MX hosts in preference order. No MX records: the domain itself as an implicit MX with preference 0
    /// if it has an address (RFC 5321 §5.1). A single MX of "." is a null MX (RFC 7505 §3): no mail accepted.
    /// </summary>
    public static async Task<MxResolution> ResolveMxAsync(this IDnsResolver dns, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        var answer = await dns.QueryAsync(domain, DnsRecordType.Mx, cancellationToken);
        if (!answer.NameExists)
        {
            return new MxResolution(MxOutcome.NoSuchDomain, []);
        }
        var mx = answer.Records.OfType<MxRecord>().ToList();
        // RFC 7505 §3: a null MX is one record, preference 0, exchange "." (read back as the empty name).
        if (mx.Count == 1 && mx[0].Exchange.Length == 0)
        {
            return new MxResolution(MxOutcome.NullMx, []);
        }
        mx.RemoveAll(r => r.Exchange.Length == 0);
        if (mx.Count == 0)
        {
            // RFC 5321 §5.1: no MX, so the domain is its own (implicit) MX when it has an address.
            var addresses = await dns.ResolveAddressesAsync(domain, cancellationToken);
            return addresses.Count == 0 ? new MxResolution(MxOutcome.NoSuchDomain, []) : new MxResolution(MxOutcome.Hosts, [new MxHost(domain.TrimEnd('.').ToLowerInvariant(), 0)], answer.Authenticated);
        }
        // RFC 5321 §5.1: lower preference first; equal preferences in random order to spread load.
        var ordered = mx.OrderBy(r => r.Preference).ThenBy(_ => Random.Shared.Next()).Select(r => new MxHost(r.Exchange, r.Preference)).DistinctBy(h => h.Name).ToList();
        return new MxResolution(MxOutcome.Hosts, ordered, answer.Authenticated);
    }

    /// <summary>IPv6 addresses first, then IPv4 (RFC 6724 default preference); a literal address is returned as is.</summary>
    public static async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(this IDnsResolver dns, string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }
        var v6 = await dns.QueryAsync(host, DnsRecordType.Aaaa, cancellationToken);
        var v4 = await dns.QueryAsync(host, DnsRecordType.A, cancellationToken);
        return [.. v6.Records.OfType<AddressRecord>().Select(r => r.Address), .. v4.Records.OfType<AddressRecord>().Select(r => r.Address)];
    }

    /// <summary>As <see cref="ResolveAddressesAsync"/>, and whether both answers were DNSSEC-validated (a literal is not).</summary>
    public static async Task<AddressResolution> ResolveAddressesSecurelyAsync(this IDnsResolver dns, string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return new AddressResolution([literal], false);
        }
        var v6 = await dns.QueryAsync(host, DnsRecordType.Aaaa, cancellationToken);
        var v4 = await dns.QueryAsync(host, DnsRecordType.A, cancellationToken);
        return new AddressResolution(
            [.. v6.Records.OfType<AddressRecord>().Select(r => r.Address), .. v4.Records.OfType<AddressRecord>().Select(r => r.Address)],
            v6.Authenticated && v4.Authenticated);
    }

    public static async Task<IReadOnlyList<string>> ResolveTxtAsync(this IDnsResolver dns, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        var answer = await dns.QueryAsync(name, DnsRecordType.Txt, cancellationToken);
        return [.. answer.Records.OfType<TxtRecord>().Select(r => r.Text)];
    }

    public static async Task<IReadOnlyList<TlsaRecord>> ResolveTlsaAsync(this IDnsResolver dns, string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        // RFC 6698 §3: _port._tcp.host.
        var answer = await dns.QueryAsync($"_{port}._tcp.{host}", DnsRecordType.Tlsa, cancellationToken);
        return [.. answer.Records.OfType<TlsaRecord>()];
    }

    /// <summary>The PTR names of an address (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5 ip6.arpa).</summary>
    public static async Task<IReadOnlyList<string>> ResolvePtrAsync(this IDnsResolver dns, IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(address);
        var answer = await dns.QueryAsync(ReverseName(address), DnsRecordType.Ptr, cancellationToken);
        return [.. answer.Records.OfType<NameRecord>().Select(r => r.Target)];
    }

    public static string ReverseName(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return string.Join('.', bytes.Reverse().Select(b => b.ToString(CultureInfo.InvariantCulture))) + ".in-addr.arpa";
        }
        var nibbles = bytes.SelectMany(b => new[] { b >> 4, b & 0xF }).Reverse().Select(n => n.ToString("x", CultureInfo.InvariantCulture));
        return string.Join('.', nibbles) + ".ip6.arpa";
    }
}
