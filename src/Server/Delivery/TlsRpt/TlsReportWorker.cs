using MailHost.Server.Dns;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Delivery;

/// <summary>
/// Sends the TLS-RPT reports (RFC 8460 §4-5) once a report period (a UTC day) has ended: per policy domain that
/// publishes an `_smtp._tls` record, one JSON report, gzip-compressed, to each mailto: (through the outbound
/// queue, DKIM-signed) and https: (POST) rua. A period's rows are claimed by deleting them, so with several
/// nodes on one PostgreSQL database each report is sent once. Survives every error: the next pass tries again.
/// </summary>
public sealed class TlsReportWorker(
    IDbContextFactory<LogsDbContext> factory,
    TlsOutcomeRecorder recorder,
    IDnsResolver dns,
    TlsReportMailer mailer,
    TlsReportPoster poster,
    SettingsSnapshotProvider settings,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<TlsReportWorker> logger) : BackgroundService
{
    private const int MaxDomainsPerPass = 1000;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Checked every quarter period (at most 5 minutes): a period's report goes out soon after it ends.
        PeriodicPass.RunAsync(TimeSpan.FromSeconds(Math.Clamp(options.Value.TlsReportPeriod.TotalSeconds / 4, 1, 300)), time, passAtStart: false,
            RunOnceAsync, ex => TlsReportLog.PassFailed(logger, ex), stoppingToken);

    /// <summary>Reports every (period, domain) whose period has ended; returns how many reports were built.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await recorder.FlushAsync(cancellationToken);
        var period = options.Value.TlsReportPeriod;
        var currentStart = TlsOutcomeRecorder.PeriodStart(time.GetUtcNow(), period);
        List<(DateTime Start, string Domain)> due;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            due = [.. (await db.TlsReportCounters.Where(c => c.PeriodStartUtc < currentStart)
                .Select(c => new { c.PeriodStartUtc, c.PolicyDomain }).Distinct().OrderBy(x => x.PeriodStartUtc).ThenBy(x => x.PolicyDomain).Take(MaxDomainsPerPass).ToListAsync(cancellationToken))
                .Select(x => (x.PeriodStartUtc, x.PolicyDomain))];
        }
        var built = 0;
        foreach (var (start, domain) in due)
        {
            if (await ClaimAsync(start, domain, cancellationToken) is { Count: > 0 } rows && await ReportAsync(domain, start, start + period, rows, cancellationToken))
            {
                built++;
            }
        }
        return built;
    }

    /// <summary>Reads and deletes one period's rows of one domain; empty when another node claimed them first.</summary>
    private async Task<List<TlsReportCounter>> ClaimAsync(DateTime start, string domain, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await db.TlsReportCounters.AsNoTracking().Where(c => c.PeriodStartUtc == start && c.PolicyDomain == domain).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var deleted = await db.TlsReportCounters.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted == rows.Count ? rows : [];
    }

    private async Task<bool> ReportAsync(string domain, DateTime start, DateTime end, List<TlsReportCounter> rows, CancellationToken cancellationToken)
    {
        IReadOnlyList<Uri> rua;
        try
        {
            rua = TlsRptRecord.Parse(await dns.ResolveTxtAsync($"_smtp._tls.{domain}", cancellationToken));
        }
        catch (DnsException)
        {
            rua = [];
        }
        if (rua.Count == 0)
        {
            TlsReportLog.NoRecord(logger, domain, rows.Sum(r => r.Count));
            return false;
        }
        var snapshot = settings.Current;
        var submitter = snapshot.Server.Hostname;
        var contact = options.Value.TlsReportContact is { Length: > 0 } c ? c
            : $"postmaster@{snapshot.LocalDomains.Order(StringComparer.Ordinal).FirstOrDefault() ?? submitter}";
        var report = TlsReportBuilder.Build(domain, start, end, rows, options.Value.TlsReportOrganization ?? submitter, contact, submitter);
        var gzipped = report.Gzipped();
        foreach (var uri in rua)
        {
            var destination = uri.ToString();
            if (gzipped.Length > options.Value.TlsReportMaxBytes)
            {
                TlsReportLog.SendFailed(logger, report.ReportId, domain, destination, $"report is {gzipped.Length} bytes, over MailHost:TlsReportMaxBytes");
                continue;
            }
            string? error;
            if (uri.Scheme == Uri.UriSchemeMailto)
            {
                await mailer.QueueAsync(snapshot, report, gzipped, contact, TlsRptRecord.Address(uri), cancellationToken);
                error = null;
            }
            else
            {
                error = await poster.PostAsync(uri, gzipped, cancellationToken);
            }
            if (error is null)
            {
                TlsReportLog.Sent(logger, report.ReportId, domain, destination);
            }
            else
            {
                TlsReportLog.SendFailed(logger, report.ReportId, domain, destination, error);
            }
        }
        return true;
    }
}
