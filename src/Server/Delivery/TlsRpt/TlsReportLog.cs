namespace MailHost.Server.Delivery;

internal static partial class TlsReportLog
{
    [LoggerMessage(EventId = 7401, Level = LogLevel.Warning, Message = "Writing TLS-RPT counts failed; they are lost for this flush")]
    public static partial void RecordFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Information, Message = "TLS-RPT report {ReportId} for {Domain} sent to {Destination}")]
    public static partial void Sent(ILogger logger, string reportId, string domain, string destination);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "TLS-RPT report {ReportId} for {Domain} to {Destination} failed: {Reason}")]
    public static partial void SendFailed(ILogger logger, string reportId, string domain, string destination, string reason);

    [LoggerMessage(EventId = 7404, Level = LogLevel.Error, Message = "TLS-RPT report pass failed; trying again next interval")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7405, Level = LogLevel.Information, Message = "TLS-RPT: {Domain} publishes no usable _smtp._tls record; its {Count} counted sessions are not reported")]
    public static partial void NoRecord(ILogger logger, string domain, long count);
}
