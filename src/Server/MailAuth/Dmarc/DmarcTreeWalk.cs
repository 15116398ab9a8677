using MailHost.Server.Dns;

namespace MailHost.Server.MailAuth.Dmarc;

/// <summary>A DMARC record found by the walk, and the domain it was published for.</summary>
public sealed record DmarcFound(string Domain, DmarcRecord Record);

/// <summary>
/// RFC 9989 §4.10: the DNS tree walk that replaces the public suffix list. From a domain, _dmarc is
/// asked at the domain, then (after jumping to the 7 rightmost labels when there are more than 8)
/// at each parent down to the top-level label. Answers are kept for the life of one message's check.
/// </summary>
public sealed class DmarcTreeWalk(IDnsResolver dns)
{
    private readonly Dictionary<string, DmarcFound?> _asked = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names the walk asks, most specific first.</summary>
    public static IReadOnlyList<string> Names(string domain)
    {
        var labels = domain.TrimEnd('.').ToLowerInvariant().Split('.');
        var names = new List<string> { string.Join('.', labels) };
        var start = labels.Length > 8 ? labels.Length - 7 : 1;
        for (var i = start; i < labels.Length; i++)
        {
            names.Add(string.Join('.', labels[i..]));
        }
        return names;
    }

    /// <summary>The record at one domain, or null. Several DMARC records at one name count as none (§4.10). DNS errors propagate.</summary>
    public async Task<DmarcFound?> AtAsync(string domain, CancellationToken cancellationToken)
    {
        if (_asked.TryGetValue(domain, out var known))
        {
            return known;
        }
        var answer = await dns.QueryAsync("_dmarc." + domain, DnsRecordType.Txt, cancellationToken);
        var records = answer.Records.OfType<TxtRecord>().Select(r => DmarcRecord.Parse(r.Text)).OfType<DmarcRecord>().ToList();
        var found = records.Count == 1 ? new DmarcFound(domain, records[0]) : null;
        _asked[domain] = found;
        return found;
    }

    /// <summary>The policy record for the author domain: its own, else the first found walking up (§4.10.1).</summary>
    public async Task<DmarcFound?> PolicyAsync(string domain, CancellationToken cancellationToken)
    {
        foreach (var name in Names(domain))
        {
            if (await AtAsync(name, cancellationToken) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    /// <summary>
    /// §4.10.2 Organizational Domain: walking up, a record with psd=n marks it; psd=y marks a public suffix,
    /// so the domain one label below it is the organizational one; otherwise the highest domain with a record;
    /// with no records at all, the domain itself.
    /// </summary>
    public async Task<string> OrganizationalDomainAsync(string domain, CancellationToken cancellationToken)
    {
        var names = Names(domain);
        string? highest = null;
        for (var i = 0; i < names.Count; i++)
        {
            if (await AtAsync(names[i], cancellationToken) is not { } found)
            {
                continue;
            }
            if (found.Record.Psd == "n")
            {
                return names[i];
            }
            if (found.Record.Psd == "y")
            {
                return i == 0 ? names[0] : names[i - 1];
            }
            highest = names[i];
        }
        return highest ?? names[0];
    }
}
