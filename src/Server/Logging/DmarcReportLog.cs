namespace MailHost.Server.Logging;

internal static partial class DmarcReportLog
{
    [LoggerMessage(8401, LogLevel.Information, "DMARC aggregate report {ReportId} for {Domain} queued to {Recipient} as {QueueId} ({Records} rows, {Messages} messages)", EventName = "DmarcReportQueued")]
    public static partial void Queued(ILogger logger, string reportId, string domain, string recipient, string queueId, int records, int messages);

    [LoggerMessage(8402, LogLevel.Information, "DMARC aggregate report for {Domain} to {Recipient} not sent: {Reason}", EventName = "DmarcReportSkipped")]
    public static partial void Skipped(ILogger logger, string domain, string recipient, string reason);

    [LoggerMessage(8403, LogLevel.Error, "DMARC report run failed; the next run covers this period too", EventName = "DmarcReportRunFailed")]
    public static partial void RunFailed(ILogger logger, Exception exception);

    [LoggerMessage(8404, LogLevel.Information, "DMARC aggregate report {ReportId} from {Org} about {Domain} stored ({Records} rows)", EventName = "DmarcReportReceived")]
    public static partial void Received(ILogger logger, string reportId, string org, string domain, int records);

    [LoggerMessage(8405, LogLevel.Warning, "Mail {QueueId} to the DMARC report address is not a report MailHost reads: {Reason}", EventName = "DmarcReportRefused")]
    public static partial void Refused(ILogger logger, string queueId, string reason);
}
