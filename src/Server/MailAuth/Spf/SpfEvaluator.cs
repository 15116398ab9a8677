using System.Net;
using System.Net.Sockets;
using MailHost.Server.Dns;

namespace MailHost.Server.MailAuth.Spf;

/// <summary>
/// RFC 7208 check_host() on <see cref="IDnsResolver"/>. One instance per check: it carries the
/// counters for the 10 DNS-lookup limit and the 2 void-lookup limit (§4.6.4) across include and redirect.
/// </summary>
internal sealed class SpfEvaluator(IDnsResolver dns, SpfOptions options, DateTimeOffset now, CancellationToken cancellationToken)
{
    private int _lookups;
    private int _voids;

    public async Task<SpfOutcome> CheckHostAsync(IPAddress ip, string domain, string sender, string helo)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            // RFC 7208 §5: an IPv4-mapped IPv6 address is the IPv4 client it stands for.
            ip = ip.MapToIPv4();
        }
        try
        {
            return await CheckAsync(ip, domain, sender, helo, topLevel: true);
        }
        catch (SpfAbortException ex)
        {
            return new SpfOutcome(ex.Result, ex.Message);
        }
    }

    private async Task<SpfOutcome> CheckAsync(IPAddress ip, string domain, string sender, string helo, bool topLevel)
    {
        // RFC 7208 §4.3: a malformed domain (not a multi-label FQDN, empty or over-long labels) is "none".
        if (!SpfDomain.IsValid(domain))
        {
            return new SpfOutcome(SpfResult.None, $"\"{domain}\" is not a valid domain name");
        }
        var record = await FindRecordAsync(domain);
        if (record is null)
        {
            return new SpfOutcome(SpfResult.None, $"{domain} publishes no SPF record");
        }
        var parsed = SpfRecord.Parse(record);
        var (local, senderDomain) = SpfDomain.SplitSender(sender);
        var context = new SpfMacroContext(sender, local, senderDomain, domain, ip, helo, options.ReceiverName, now)
        {
            ValidatedName = () => ValidatedNameAsync(ip, domain),
        };
        foreach (var directive in parsed.Directives)
        {
            if (await MatchesAsync(directive, ip, domain, sender, helo, context))
            {
                var outcome = new SpfOutcome(directive.Qualifier, $"{domain}: matched {directive.Text}");
                if (directive.Qualifier == SpfResult.Fail && topLevel)
                {
                    outcome = outcome with { Explanation = await ExplainAsync(parsed.Exp, context) };
                }
                return outcome;
            }
        }
        // RFC 7208 §6.1: redirect applies only when no mechanism matched and the record has no "all".
        if (parsed.Redirect is { } redirect && !parsed.Directives.Any(d => d.Kind == SpfMechanismKind.All))
        {
            Count();
            var target = await ExpandDomainAsync(redirect, context);
            var result = await CheckAsync(ip, target, sender, helo, topLevel);
            return result.Result == SpfResult.None
                ? new SpfOutcome(SpfResult.PermError, $"{domain}: redirect to {target}, which has no SPF record")
                : result;
        }
        return new SpfOutcome(SpfResult.Neutral, $"{domain}: no mechanism matched");
    }

    private async Task<string?> FindRecordAsync(string domain)
    {
        DnsAnswer answer;
        try
        {
            answer = await dns.QueryAsync(domain, DnsRecordType.Txt, cancellationToken);
        }
        catch (DnsException ex)
        {
            throw new SpfAbortException(SpfResult.TempError, $"DNS error for {domain} TXT: {ex.Message}");
        }
        // RFC 7208 §4.5: only records starting "v=spf1"; more than one is a permerror.
        var records = answer.Records.OfType<TxtRecord>().Select(r => r.Text).Where(SpfRecord.IsSpfRecord).ToList();
        return records.Count switch
        {
            0 => null,
            1 => records[0],
            _ => throw new SpfAbortException(SpfResult.PermError, $"{domain} publishes {records.Count} SPF records"),
        };
    }

    private async Task<bool> MatchesAsync(SpfDirective directive, IPAddress ip, string domain, string sender, string helo, SpfMacroContext context)
    {
        switch (directive.Kind)
        {
            case SpfMechanismKind.All:
                return true;
            case SpfMechanismKind.Ip4 or SpfMechanismKind.Ip6:
                return SpfNetwork.Contains(directive.Network!, directive.Kind == SpfMechanismKind.Ip4 ? directive.Cidr4 : directive.Cidr6, ip);
            case SpfMechanismKind.Include:
                {
                    Count();
                    var target = await ExpandDomainAsync(directive.DomainSpec!, context);
                    var inner = await CheckAsync(ip, target, sender, helo, topLevel: false);
                    // RFC 7208 §5.2: the include table.
                    return inner.Result switch
                    {
                        SpfResult.Pass => true,
                        SpfResult.Fail or SpfResult.SoftFail or SpfResult.Neutral => false,
                        SpfResult.TempError => throw new SpfAbortException(SpfResult.TempError, inner.Reason),
                        SpfResult.None => throw new SpfAbortException(SpfResult.PermError, $"include:{target} has no SPF record"),
                        _ => throw new SpfAbortException(SpfResult.PermError, inner.Reason),
                    };
                }
            case SpfMechanismKind.A:
                {
                    Count();
                    var target = directive.DomainSpec is null ? domain : await ExpandDomainAsync(directive.DomainSpec, context);
                    var addresses = await AddressesAsync(target, ip.AddressFamily, countVoid: true);
                    return addresses.Any(a => SpfNetwork.Contains(a, Cidr(directive, ip), ip));
                }
            case SpfMechanismKind.Mx:
                return await MatchesMxAsync(directive, ip, domain, context);
            case SpfMechanismKind.Ptr:
                {
                    Count();
                    var target = directive.DomainSpec is null ? domain : await ExpandDomainAsync(directive.DomainSpec, context);
                    var names = await ValidatedNamesAsync(ip);
                    return names.Any(n => SpfDomain.IsSameOrSubdomain(n, target));
                }
            case SpfMechanismKind.Exists:
                {
                    Count();
                    var target = await ExpandDomainAsync(directive.DomainSpec!, context);
                    // RFC 7208 §5.7: always an A query, whatever the client's address family.
                    return (await AddressesAsync(target, AddressFamily.InterNetwork, countVoid: true)).Count > 0;
                }
            default:
                return false;
        }
    }

    private async Task<bool> MatchesMxAsync(SpfDirective directive, IPAddress ip, string domain, SpfMacroContext context)
    {
        Count();
        var target = directive.DomainSpec is null ? domain : await ExpandDomainAsync(directive.DomainSpec, context);
        var answer = await QueryAsync(target, DnsRecordType.Mx);
        var exchanges = answer?.Records.OfType<MxRecord>().ToList() ?? [];
        if (exchanges.Count == 0)
        {
            CountVoid(target);
            return false;
        }
        // RFC 7208 §4.6.4: evaluating one "mx" may not look up more than 10 address records.
        if (exchanges.Count > 10)
        {
            throw new SpfAbortException(SpfResult.PermError, $"{target} has more than 10 MX records");
        }
        foreach (var mx in exchanges)
        {
            if (mx.Exchange.Length == 0)
            {
                continue;
            }
            var addresses = await AddressesAsync(mx.Exchange, ip.AddressFamily, countVoid: false);
            if (addresses.Any(a => SpfNetwork.Contains(a, Cidr(directive, ip), ip)))
            {
                return true;
            }
        }
        return false;
    }

    private static int Cidr(SpfDirective directive, IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetwork ? directive.Cidr4 : directive.Cidr6;

    private async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, AddressFamily family, bool countVoid)
    {
        var answer = await QueryAsync(name, family == AddressFamily.InterNetwork ? DnsRecordType.A : DnsRecordType.Aaaa);
        var addresses = answer?.Records.OfType<AddressRecord>().Select(r => r.Address).ToList() ?? [];
        if (addresses.Count == 0 && countVoid)
        {
            CountVoid(name);
        }
        return addresses;
    }

    /// <summary>A DNS error is a temperror (RFC 7208 §5); a name that cannot be asked (bad labels) has no records.</summary>
    private async Task<DnsAnswer?> QueryAsync(string name, DnsRecordType type)
    {
        if (!SpfDomain.IsQueryable(name))
        {
            return null;
        }
        try
        {
            return await dns.QueryAsync(name, type, cancellationToken);
        }
        catch (DnsException ex)
        {
            throw new SpfAbortException(SpfResult.TempError, $"DNS error for {name} {type}: {ex.Message}");
        }
    }

    /// <summary>RFC 7208 §5.5: PTR names (the first 10) whose forward look-up gives the client's address; DNS errors mean no name.</summary>
    private async Task<IReadOnlyList<string>> ValidatedNamesAsync(IPAddress ip)
    {
        var validated = new List<string>();
        IReadOnlyList<string> names;
        try
        {
            names = await dns.ResolvePtrAsync(ip, cancellationToken);
        }
        catch (DnsException)
        {
            return validated;
        }
        foreach (var name in names.Take(10))
        {
            try
            {
                if (!SpfDomain.IsQueryable(name))
                {
                    continue;
                }
                var answer = await dns.QueryAsync(name, ip.AddressFamily == AddressFamily.InterNetwork ? DnsRecordType.A : DnsRecordType.Aaaa, cancellationToken);
                if (answer.Records.OfType<AddressRecord>().Any(r => r.Address.Equals(ip)))
                {
                    validated.Add(name.TrimEnd('.'));
                }
            }
            catch (DnsException)
            {
                // One failing name does not spoil the others (RFC 7208 §5.5).
            }
        }
        return validated;
    }

    /// <summary>%{p} (RFC 7208 §7.3): a validated name in the domain if there is one, else any validated name, else "unknown".</summary>
    private async Task<string> ValidatedNameAsync(IPAddress ip, string domain)
    {
        var names = await ValidatedNamesAsync(ip);
        return names.FirstOrDefault(n => SpfDomain.IsSameOrSubdomain(n, domain)) ?? (names.Count > 0 ? names[0] : "unknown");
    }

    private async Task<string?> ExplainAsync(string? exp, SpfMacroContext context)
    {
        if (exp is null)
        {
            return options.DefaultExplanation;
        }
        // RFC 7208 §6.2: any problem with the explanation means the default one; exp look-ups do not count.
        try
        {
            var name = SpfMacro.TruncateDomain(await SpfMacro.ExpandAsync(exp, context, explain: false));
            if (!SpfDomain.IsQueryable(name))
            {
                return options.DefaultExplanation;
            }
            var answer = await dns.QueryAsync(name, DnsRecordType.Txt, cancellationToken);
            var texts = answer.Records.OfType<TxtRecord>().Select(r => r.Text).ToList();
            if (texts.Count != 1 || !SpfMacro.IsValid(texts[0], explain: true))
            {
                return options.DefaultExplanation;
            }
            return await SpfMacro.ExpandAsync(texts[0], context, explain: true);
        }
        catch (Exception ex) when (ex is DnsException or SpfAbortException)
        {
            return options.DefaultExplanation;
        }
    }

    private static async Task<string> ExpandDomainAsync(string spec, SpfMacroContext context) =>
        SpfMacro.TruncateDomain(await SpfMacro.ExpandAsync(spec, context, explain: false));

    /// <summary>RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect count; the 11th is a permerror.</summary>
    private void Count()
    {
        if (++_lookups > options.MaxDnsLookups)
        {
            throw new SpfAbortException(SpfResult.PermError, $"more than {options.MaxDnsLookups} DNS-querying terms");
        }
    }

    private void CountVoid(string name)
    {
        if (++_voids > options.MaxVoidLookups)
        {
            throw new SpfAbortException(SpfResult.PermError, $"more than {options.MaxVoidLookups} void DNS look-ups (last: {name})");
        }
    }
}
