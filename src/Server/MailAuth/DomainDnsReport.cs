using MailHost.Server.Dns;
using MailHost.Server.Tls;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.MailAuth;

/// <summary>The records a domain must publish, checked against the live DNS; HasDkimKey false means no active key to publish.</summary>
public sealed record DomainDnsReport(string Domain, IReadOnlyList<PublishedRecord> Records, bool HasDkimKey)
{
    /// <summary>One backend, two faces: `mailhost dns show DOMAIN` and the console's "DNS records" page both call this.</summary>
    public static async Task<DomainDnsReport> BuildAsync(IDnsResolver dns, MailHostDbContext db, string dataDir, string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(domain);
        domain = domain.Trim().TrimEnd('.').ToLowerInvariant();
        var hostname = (await db.ServerSettings.AsNoTracking().SingleAsync(cancellationToken)).Hostname;
        var keys = await db.DkimKeys.AsNoTracking().Where(k => k.Domain == domain && k.Active).OrderBy(k => k.Selector).ToListAsync(cancellationToken);
        var hosted = await db.Domains.AsNoTracking().FirstOrDefaultAsync(d => d.Name == domain, cancellationToken);
        var policy = hosted is null ? null : PublishedMtaStsPolicy.For(hosted, hostname);
        var row = HostCertificate.Choose(await db.Certificates.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken), hostname);
        using var certificate = row is null ? null : LoadOrNull(dataDir, row);
        var records = await PublishedRecords.CheckAsync(dns, domain, hostname, keys, policy, certificate, cancellationToken);
        return new DomainDnsReport(domain, records, keys.Count > 0);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? LoadOrNull(string dataDir, Certificate row)
    {
        try
        {
            return CertificateFiles.Load(dataDir, row.FilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            // A certificate file that cannot be read leaves out the TLSA row; the TLS page shows the file's state.
            return null;
        }
    }
}
