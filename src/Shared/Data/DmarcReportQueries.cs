using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>Received aggregate reports summed per reporter, domain and source IP: what the console page and `mailhost dmarc reports list` show.</summary>
public sealed record DmarcReceivedSummary(string OrgName, string PolicyDomain, string SourceIp, int Reports, int Pass, int Fail, DateTime LastEndUtc);

public static class DmarcReportQueries
{
    /// <summary>Rows per (reporter, domain, IP); "pass" means DMARC passed (aligned DKIM or SPF), the rest counts as "fail".</summary>
    public static async Task<IReadOnlyList<DmarcReceivedSummary>> ReceivedAsync(LogsDbContext db, string? domain, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var query = db.DmarcReceived.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(domain))
        {
            var d = domain.Trim().ToLowerInvariant();
            query = query.Where(r => r.PolicyDomain == d);
        }
        var rows = await query
            .GroupBy(r => new { r.OrgName, r.PolicyDomain, r.SourceIp })
            .Select(g => new
            {
                g.Key.OrgName,
                g.Key.PolicyDomain,
                g.Key.SourceIp,
                Reports = g.Select(r => r.ReportId).Distinct().Count(),
                Pass = g.Sum(r => r.Dkim == "pass" || r.Spf == "pass" ? r.Count : 0),
                Fail = g.Sum(r => r.Dkim == "pass" || r.Spf == "pass" ? 0 : r.Count),
                LastEndUtc = g.Max(r => r.EndUtc),
            })
            .OrderBy(r => r.PolicyDomain).ThenBy(r => r.OrgName).ThenBy(r => r.SourceIp)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new DmarcReceivedSummary(r.OrgName, r.PolicyDomain, r.SourceIp, r.Reports, r.Pass, r.Fail, r.LastEndUtc))];
    }

    /// <summary>The newest report decisions (sent or skipped), run markers left out.</summary>
    public static async Task<IReadOnlyList<DmarcReportSentEntry>> SentAsync(LogsDbContext db, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.DmarcReportsSent.AsNoTracking().Where(e => e.PolicyDomain != "").OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);
    }
}
