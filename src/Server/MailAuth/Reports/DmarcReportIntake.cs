using MailHost.Server.Logging;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// Reads mail delivered to MailHost:DmarcReports:Address as aggregate reports and stores their rows
/// (logs.db, DmarcReceived). The message is delivered to the mailbox as usual first; a message that is
/// not a readable report is only logged. Bounded: message size, XML size and ratio, depth, record count.
/// </summary>
public sealed class DmarcReportIntake(IDbContextFactory<LogsDbContext> logs, IOptions<DmarcReportOptions> options, TimeProvider time, ILogger<DmarcReportIntake> logger)
{
    public bool IsReportAddress(string address) =>
        options.Value.Address is { Length: > 0 } configured && string.Equals(configured.Trim(), address, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses and stores one message; false (and a log line) when it is not a report we accept. Never throws for bad input.</summary>
    public async Task<bool> IngestAsync(string queueId, string contentPath, CancellationToken cancellationToken)
    {
        var o = options.Value;
        DmarcIncomingReport report;
        try
        {
            var size = new FileInfo(contentPath).Length;
            if (size > o.MaxIncomingBytes)
            {
                DmarcReportLog.Refused(logger, queueId, $"{size} bytes, over MaxIncomingBytes {o.MaxIncomingBytes}");
                return false;
            }
            await using var file = File.OpenRead(contentPath);
            var message = await MimeMessage.LoadAsync(file, cancellationToken);
            report = DmarcReportAttachments.Read(message, o.MaxIncomingXmlBytes);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Xml.XmlException or FormatException or IOException or NotSupportedException)
        {
            DmarcReportLog.Refused(logger, queueId, ex.Message);
            return false;
        }
        await using var db = await logs.CreateDbContextAsync(cancellationToken);
        // The same report delivered twice (a retried delivery, a reporter that resends) is stored once.
        if (await db.DmarcReceived.AnyAsync(r => r.ReportId == report.ReportId && r.OrgName == report.OrgName, cancellationToken))
        {
            return true;
        }
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var record in report.Records)
        {
            (record.ReceivedUtc, record.OrgName, record.ReporterEmail, record.ReportId, record.PolicyDomain, record.BeginUtc, record.EndUtc) =
                (now, report.OrgName, report.Email, report.ReportId, report.PolicyDomain, report.BeginUtc, report.EndUtc);
        }
        db.DmarcReceived.AddRange(report.Records);
        await db.SaveChangesAsync(cancellationToken);
        DmarcReportLog.Received(logger, report.ReportId, report.OrgName, report.PolicyDomain, report.Records.Count);
        return true;
    }
}
