using MailHost.Server.Dns;
using MailHost.Server.MailAuth.Dkim;
using MailHost.Server.MailAuth.Spf;

namespace MailHost.Server.MailAuth.Dmarc;

public enum DmarcResult
{
    None,
    Pass,
    Fail,
    TempError,
    PermError,
}

/// <summary>
/// The DMARC verdict: the result, the policy the domain asked for, the policy to apply after pct=/t=
/// (one level lower when sampled out or testing), which identifiers aligned, and why.
/// </summary>
public sealed record DmarcOutcome(DmarcResult Result, string FromDomain, string? PolicyDomain, DmarcPolicy Requested, DmarcPolicy Applied, bool SpfAligned, bool DkimAligned, string Reason)
{
    public string Keyword => Result switch
    {
        DmarcResult.None => "none",
        DmarcResult.Pass => "pass",
        DmarcResult.Fail => "fail",
        DmarcResult.TempError => "temperror",
        _ => "permerror",
    };
}

/// <summary>RFC 9989 §4.4–§4.8: identifier alignment of SPF (MAIL FROM) and DKIM (d=) with the RFC5322.From domain.</summary>
public sealed class DmarcEvaluator(IDnsResolver dns)
{
    /// <param name="fromDomain">The one From domain; null when the From field does not give exactly one (§4.4).</param>
    /// <param name="spfDomain">The MAIL FROM domain SPF checked (or the HELO domain for a null path), with its result.</param>
    /// <param name="sample">A number in [0, 100) for pct=; tests pass a fixed value.</param>
    public async Task<DmarcOutcome> EvaluateAsync(string? fromDomain, string spfDomain, SpfResult spf, IReadOnlyList<DkimSignatureCheck> dkim, int sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dkim);
        if (fromDomain is null || !SpfDomainName(fromDomain))
        {
            return new DmarcOutcome(DmarcResult.PermError, fromDomain ?? "", null, DmarcPolicy.None, DmarcPolicy.None, false, false, "the From field does not name exactly one domain");
        }
        fromDomain = fromDomain.TrimEnd('.').ToLowerInvariant();
        var walk = new DmarcTreeWalk(dns);
        try
        {
            if (await walk.PolicyAsync(fromDomain, cancellationToken) is not { } found)
            {
                return new DmarcOutcome(DmarcResult.None, fromDomain, null, DmarcPolicy.None, DmarcPolicy.None, false, false, $"no DMARC record for {fromDomain}");
            }
            var record = found.Record;
            var fromOrg = await walk.OrganizationalDomainAsync(fromDomain, cancellationToken);
            async Task<bool> Aligned(string domain, bool strict)
            {
                domain = domain.TrimEnd('.').ToLowerInvariant();
                if (domain == fromDomain)
                {
                    return true;
                }
                return !strict && await walk.OrganizationalDomainAsync(domain, cancellationToken) == fromOrg;
            }
            var spfAligned = spf == SpfResult.Pass && spfDomain.Length > 0 && await Aligned(spfDomain, record.StrictSpf);
            var dkimAligned = false;
            foreach (var signature in dkim.Where(d => d.Result == DkimResult.Pass))
            {
                if (await Aligned(signature.Domain, record.StrictDkim))
                {
                    dkimAligned = true;
                    break;
                }
            }
            var requested = await RequestedPolicyAsync(found, fromDomain, record, cancellationToken);
            if (spfAligned || dkimAligned)
            {
                return new DmarcOutcome(DmarcResult.Pass, fromDomain, found.Domain, requested, DmarcPolicy.None, spfAligned, dkimAligned,
                    spfAligned ? $"SPF {spfDomain} aligned" : "DKIM aligned");
            }
            // RFC 7489 §6.6.4 pct= and RFC 9989 t=y: not applying the policy means applying the next lower one.
            var applied = requested;
            if (record.Testing || sample >= record.Percent)
            {
                applied = requested == DmarcPolicy.Reject ? DmarcPolicy.Quarantine : DmarcPolicy.None;
            }
            return new DmarcOutcome(DmarcResult.Fail, fromDomain, found.Domain, requested, applied, false, false,
                $"neither SPF ({SpfKeywords.Of(spf)}, {spfDomain}) nor any DKIM signature aligned with {fromDomain}");
        }
        catch (DnsException ex)
        {
            return new DmarcOutcome(DmarcResult.TempError, fromDomain, null, DmarcPolicy.None, DmarcPolicy.None, false, false, $"DNS error: {ex.Message}");
        }
    }

    /// <summary>p= for the domain itself; for a subdomain sp= (or p=), and np= when the subdomain does not exist (RFC 9989 §4.7).</summary>
    private async Task<DmarcPolicy> RequestedPolicyAsync(DmarcFound found, string fromDomain, DmarcRecord record, CancellationToken cancellationToken)
    {
        if (found.Domain == fromDomain)
        {
            return record.Policy;
        }
        if (record.NonExistentPolicy is { } np && !await ExistsAsync(fromDomain, cancellationToken))
        {
            return np;
        }
        return record.SubdomainPolicy ?? record.Policy;
    }

    /// <summary>RFC 9989: a domain "does not exist" when A, AAAA and MX all give NXDOMAIN.</summary>
    private async Task<bool> ExistsAsync(string domain, CancellationToken cancellationToken)
    {
        foreach (var type in new[] { DnsRecordType.A, DnsRecordType.Aaaa, DnsRecordType.Mx })
        {
            if ((await dns.QueryAsync(domain, type, cancellationToken)).NameExists)
            {
                return true;
            }
        }
        return false;
    }

    private static bool SpfDomainName(string domain) => domain.Length is > 0 and <= 253 && domain.TrimEnd('.').Split('.').All(l => l.Length is > 0 and <= 63);
}
