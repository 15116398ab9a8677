using MailHost.Admin.Web.Backend;
using MailHost.Server.Dns;
using MailHost.Server.Hosting;
using MailHost.Server.MailAuth;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.AdminConsole;

/// <summary>The console's DNS records check on the engine's resolver and <see cref="DomainDnsReport"/> (the CLI's `dns show`).</summary>
public sealed class ConsoleDnsRecordsCheck(IDnsResolver dns, IDbContextFactory<MailHostDbContext> dbFactory, IOptions<MailHostOptions> options) : IDnsRecordsCheck
{
    public async Task<IReadOnlyList<DnsRecordStatus>> CheckAsync(string domain, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var report = await DomainDnsReport.BuildAsync(dns, db, options.Value.FullDataDir, domain, cancellationToken);
        var rows = report.Records.Select(r => new DnsRecordStatus(r.Kind, r.Name, r.Type, r.Value, r.Ok, r.Check)).ToList();
        if (!report.HasDkimKey)
        {
            rows.Insert(Math.Min(2, rows.Count), new DnsRecordStatus("DKIM", "", "TXT", "", false, $"no active DKIM key for {report.Domain}: generate one on the DKIM page"));
        }
        return rows;
    }

    public async Task<DnsRecordStatus> CheckPtrAsync(CancellationToken cancellationToken)
    {
        string hostname;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            hostname = (await db.ServerSettings.AsNoTracking().SingleAsync(cancellationToken)).Hostname;
        }
        var r = await PtrCheck.CheckAsync(dns, hostname, cancellationToken);
        return new DnsRecordStatus(r.Kind, r.Name, r.Type, r.Value, r.Ok, r.Check);
    }
}
