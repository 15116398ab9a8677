using MailHost.Server.Dns;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.MailAuth;

/// <summary>The records a domain must publish, checked against the live DNS; HasDkimKey false means no active key to publish.</summary>
public sealed record DomainDnsReport(string Domain, IReadOnlyList<PublishedRecord> Records, bool HasDkimKey)
{
    /// <summary>One backend, two faces: `mailhost dns show DOMAIN` and the console's "DNS records" page both call this.</summary>
    public static async Task<DomainDnsReport> BuildAsync(IDnsResolver dns, MailHostDbContext db, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(domain);
        domain = domain.Trim().TrimEnd('.').ToLowerInvariant();
        var hostname = (await db.ServerSettings.AsNoTracking().SingleAsync(cancellationToken)).Hostname;
        var keys = await db.DkimKeys.AsNoTracking().Where(k => k.Domain == domain && k.Active).OrderBy(k => k.Selector).ToListAsync(cancellationToken);
        var records = await PublishedRecords.CheckAsync(dns, domain, hostname, keys, cancellationToken);
        return new DomainDnsReport(domain, records, keys.Count > 0);
    }
}
