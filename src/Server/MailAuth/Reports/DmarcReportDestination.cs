using MailHost.Server.Dns;
using MailHost.Server.MailAuth.Dmarc;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// RFC 9990 §3 (RFC 7489 §7.1) external destination verification: a rua mailbox outside the policy
/// domain's organizational domain receives reports only when its domain publishes
/// &lt;policy-domain&gt;._report._dmarc.&lt;rua-domain&gt; TXT "v=DMARC1…", so nobody can aim a domain's
/// reports at a third party.
/// </summary>
public sealed class DmarcReportDestination(IDnsResolver dns)
{
    /// <summary>Null when the destination may receive the report, else why not.</summary>
    public async Task<string?> RefusalAsync(string policyDomain, DmarcReportUri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (DmarcReportMailbox.Refusal(uri.Address) is { } name)
        {
            return name;
        }
        try
        {
            var walk = new DmarcTreeWalk(dns);
            if (await walk.OrganizationalDomainAsync(policyDomain, cancellationToken) == await walk.OrganizationalDomainAsync(uri.Domain, cancellationToken))
            {
                return null;
            }
            var name2 = $"{policyDomain}._report._dmarc.{uri.Domain}";
            var answer = await dns.QueryAsync(name2, DnsRecordType.Txt, cancellationToken);
            return answer.Records.OfType<TxtRecord>().Any(r => r.Text.TrimStart().StartsWith("v=DMARC1", StringComparison.Ordinal))
                ? null
                : $"external destination {uri.Domain} does not authorize reports for {policyDomain} (no v=DMARC1 at {name2})";
        }
        catch (DnsException ex)
        {
            return $"DNS error while verifying the destination: {ex.Message}";
        }
    }
}
