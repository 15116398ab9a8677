using System.Security.Cryptography;
using MailHost.Server.Dkim;
using MailHost.Server.Dns;
using MailHost.Server.Logging;
using MailHost.Server.MailAuth.Dmarc;
using MailHost.Server.Queue;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using MailHost.Shared.Snapshot;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// One reporting run: the verdicts since the last run, grouped per policy domain, one report per domain
/// that earned one (<see cref="DmarcDomainAggregate.Plausible"/>) and publishes rua=, queued through our own
/// outbound queue from postmaster@ a local domain with an active DKIM key (signed by the remote worker like
/// any other mail). Every decision is a row in logs.db (DmarcReportsSent). Never per-message failure
/// reports (RFC 9991): ruf= is not read at all.
/// </summary>
public sealed class DmarcReportSender(
    IDbContextFactory<LogsDbContext> logs,
    IDnsResolver dns,
    SettingsSnapshotProvider settings,
    MessageSpool spool,
    IOptions<DmarcReportOptions> options,
    TimeProvider time,
    ILogger<DmarcReportSender> logger)
{
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(7);

    public async Task<IReadOnlyList<DmarcReportSentEntry>> RunAsync(CancellationToken cancellationToken)
    {
        var snapshot = settings.Current;
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await logs.CreateDbContextAsync(cancellationToken);
        var last = await db.DmarcReportsSent.MaxAsync(e => (DateTime?)e.EndUtc, cancellationToken);
        var begin = last ?? now - TimeSpan.FromSeconds(Math.Max(1, o.IntervalSeconds));
        begin = begin < now - MaxPeriod ? now - MaxPeriod : begin;
        var (domains, dropped) = await DmarcAggregator.ReadAsync(db, begin, now, cancellationToken);
        var rows = new List<DmarcReportSentEntry>();
        var reporter = ReporterDomain(snapshot);
        var queued = 0;
        foreach (var domain in domains)
        {
            if (reporter is null)
            {
                rows.Add(Row(domain, "", "", begin, now, "skipped: no local domain has an active DKIM key (reports must be signed)"));
                continue;
            }
            if (!domain.Plausible)
            {
                rows.Add(Row(domain, "", "", begin, now, "skipped: no delivered message passed DMARC for this domain"));
                continue;
            }
            queued += await ReportDomainAsync(snapshot, reporter, domain, begin, now, o, o.MaxReportsPerRun - queued, rows, cancellationToken);
        }
        // The run marker: the next run starts where this one ended, whatever was sent.
        rows.Add(new DmarcReportSentEntry
        {
            TimeUtc = now,
            BeginUtc = begin,
            EndUtc = now,
            Messages = domains.Sum(d => d.Messages),
            Result = FormattableString.Invariant($"run: {domains.Count} domains, {queued} reports queued{(dropped > 0 ? $", {dropped} verdicts over the row limit" : "")}"),
        });
        db.DmarcReportsSent.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
        return rows;
    }

    private async Task<int> ReportDomainAsync(MailHostSnapshot snapshot, string reporter, DmarcDomainAggregate domain, DateTime begin, DateTime end, DmarcReportOptions o, int budget, List<DmarcReportSentEntry> rows, CancellationToken cancellationToken)
    {
        DmarcFound? found;
        try
        {
            // The record as published now (RFC 9990 §2: the report goes where the record says at report time).
            found = await new DmarcTreeWalk(dns).AtAsync(domain.PolicyDomain, cancellationToken);
        }
        catch (DnsException ex)
        {
            rows.Add(Row(domain, "", "", begin, end, $"skipped: DNS error reading the DMARC record: {ex.Message}"));
            return 0;
        }
        var destinations = found is null ? [] : DmarcReportUri.ParseList(found.Record.Rua);
        if (found is null || destinations.Count == 0)
        {
            rows.Add(Row(domain, "", "", begin, end, found is null ? "skipped: no DMARC record at report time" : "skipped: no mailto: rua"));
            return 0;
        }
        var hostname = snapshot.Server.Hostname;
        var metadata = new DmarcReportMetadata(hostname, "postmaster@" + reporter,
            FormattableString.Invariant($"{new DateTimeOffset(begin, TimeSpan.Zero).ToUnixTimeSeconds()}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}"), begin, end);
        var gzipped = DmarcReportMessage.Gzip(DmarcReportXml.Write(metadata, domain.PolicyDomain, found.Record, domain.Rows.OrderByDescending(r => r.Value)));
        var check = new DmarcReportDestination(dns);
        var queued = 0;
        foreach (var uri in destinations)
        {
            string? refusal = gzipped.Length > o.MaxReportBytes ? $"report is {gzipped.Length} bytes gzipped, over our cap of {o.MaxReportBytes}"
                : queued >= budget ? "the per-run cap of reports is reached"
                : await check.RefusalAsync(domain.PolicyDomain, uri, cancellationToken);
            var bytes = refusal is null ? DmarcReportMessage.Build(metadata.Email, uri.Address, hostname, domain.PolicyDomain, metadata, gzipped, time.GetUtcNow()) : [];
            if (refusal is null && uri.MaxBytes is { } max && bytes.Length > max)
            {
                refusal = $"report is {bytes.Length} bytes, over the destination's !size of {max}";
            }
            if (refusal is not null)
            {
                DmarcReportLog.Skipped(logger, domain.PolicyDomain, uri.Address, refusal);
                rows.Add(Row(domain, uri.Address, metadata.ReportId, begin, end, "skipped: " + refusal));
                continue;
            }
            var id = await EnqueueAsync(snapshot, uri, metadata, bytes, cancellationToken);
            DmarcReportLog.Queued(logger, metadata.ReportId, domain.PolicyDomain, uri.Address, id, domain.Rows.Count, domain.Messages);
            var row = Row(domain, uri.Address, metadata.ReportId, begin, end, "queued");
            row.QueueId = id;
            rows.Add(row);
            queued++;
        }
        return queued;
    }

    private async Task<string> EnqueueAsync(MailHostSnapshot snapshot, DmarcReportUri uri, DmarcReportMetadata metadata, byte[] bytes, CancellationToken cancellationToken)
    {
        var id = MessageSpool.NewId();
        var path = await spool.WriteAsync(id, bytes, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        // The null reverse path: a report that cannot be delivered is dropped, never bounced to postmaster (RFC 9990 §5).
        await spool.EnqueueAsync(new QueuedMessage
        {
            Id = id,
            CreatedUtc = now,
            Sender = "",
            Size = bytes.Length,
            HeloName = snapshot.Server.Hostname,
            RemoteAddress = "127.0.0.1",
            MessageIdHeader = $"<{metadata.ReportId}@{snapshot.Server.Hostname}>",
            Recipients = [new QueuedRecipient { Address = uri.Address, IsLocal = snapshot.IsLocalDomain(uri.Domain), State = RecipientState.Pending, NextAttemptUtc = now }],
        }, path, cancellationToken);
        return id;
    }

    /// <summary>The domain of our report address: the host name's own local domain with an active key, else the first such domain.</summary>
    public static string? ReporterDomain(MailHostSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var signed = snapshot.LocalDomains.Where(d => DkimMessageSigner.FindKey(snapshot, d) is not null).Order(StringComparer.Ordinal).ToList();
        var host = snapshot.Server.Hostname.ToLowerInvariant();
        return signed.Where(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal)).MaxBy(d => d.Length) ?? signed.FirstOrDefault();
    }

    private static DmarcReportSentEntry Row(DmarcDomainAggregate domain, string recipient, string reportId, DateTime begin, DateTime end, string result) => new()
    {
        TimeUtc = end,
        PolicyDomain = domain.PolicyDomain,
        Recipient = recipient,
        ReportId = reportId,
        BeginUtc = begin,
        EndUtc = end,
        Records = domain.Rows.Count,
        Messages = domain.Messages,
        Result = result,
    };
}
