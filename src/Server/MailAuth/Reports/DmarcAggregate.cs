using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>One report row: messages that share a source IP, identifiers, raw results and disposition (RFC 9990 §2.1).</summary>
public sealed record DmarcRowKey(string SourceIp, string Disposition, bool DkimAligned, bool SpfAligned, string HeaderFrom, string EnvelopeFrom, string Spf, string Dkim);

/// <summary>The rows for one policy domain over one period, and whether the domain earned a report (see <see cref="Plausible"/>).</summary>
public sealed class DmarcDomainAggregate(string policyDomain)
{
    public string PolicyDomain { get; } = policyDomain;
    public Dictionary<DmarcRowKey, int> Rows { get; } = [];
    public int Messages { get; set; }

    /// <summary>
    /// At least one message in the period passed DMARC (aligned SPF or DKIM) and was delivered: the domain
    /// really mails us, and its report goes to a correspondent rather than to whoever a forger or a
    /// throw-away spam domain named. Domains seen only in failing mail get no report.
    /// </summary>
    public bool Plausible { get; set; }
}

/// <summary>Reads the verdict rows (logs.db) of one period and groups them per DMARC policy domain, bounded.</summary>
public static class DmarcAggregator
{
    /// <summary>Distinct rows kept per run across all domains; verdicts beyond it are counted in <c>Dropped</c> only.</summary>
    public const int MaxRows = 100_000;

    public static async Task<(IReadOnlyList<DmarcDomainAggregate> Domains, int Dropped)> ReadAsync(LogsDbContext db, DateTime beginUtc, DateTime endUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var domains = new Dictionary<string, DmarcDomainAggregate>(StringComparer.OrdinalIgnoreCase);
        var rows = 0;
        var dropped = 0;
        // Deferred verdicts are left out: the retry that follows is the message's real outcome.
        var query = db.MailAuthResults.AsNoTracking()
            .Where(e => e.TimeUtc >= beginUtc && e.TimeUtc < endUtc && e.DmarcPolicyDomain != "" && e.Disposition != MailAuthDispositions.Deferred)
            .Select(e => new { e.DmarcPolicyDomain, e.SourceIp, e.Disposition, e.DmarcDkimAligned, e.DmarcSpfAligned, e.FromDomain, e.MailFromDomain, e.Spf, e.Dkim, e.Dmarc });
        await foreach (var e in query.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var policyDomain = e.DmarcPolicyDomain.ToLowerInvariant();
            if (!domains.TryGetValue(policyDomain, out var domain))
            {
                domain = new DmarcDomainAggregate(policyDomain);
                domains[policyDomain] = domain;
            }
            var key = new DmarcRowKey(e.SourceIp, Disposition(e.Disposition), e.DmarcDkimAligned, e.DmarcSpfAligned,
                e.FromDomain.ToLowerInvariant(), e.MailFromDomain.ToLowerInvariant(), e.Spf, e.Dkim);
            if (domain.Rows.TryGetValue(key, out var count))
            {
                domain.Rows[key] = count + 1;
            }
            else if (rows < MaxRows)
            {
                domain.Rows[key] = 1;
                rows++;
            }
            else
            {
                dropped++;
                continue;
            }
            domain.Messages++;
            domain.Plausible |= e.Dmarc == "pass" && e.Disposition == MailAuthDispositions.Delivered;
        }
        return ([.. domains.Values.OrderBy(d => d.PolicyDomain, StringComparer.Ordinal)], dropped);
    }

    /// <summary>What we did with the message, in RFC 9990's words (policy_evaluated/disposition).</summary>
    public static string Disposition(string disposition) => disposition switch
    {
        MailAuthDispositions.Junk => "quarantine",
        MailAuthDispositions.Rejected => "reject",
        _ => "none",
    };
}
