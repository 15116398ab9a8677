namespace MailHost.Server.Delivery;

internal static partial class MtaStsLog
{
    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "MTA-STS policy cache in the database failed for {Domain}; using the in-memory cache")]
    public static partial void StoreFailed(ILogger logger, string domain, Exception exception);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Information, Message = "MTA-STS policy of {Domain} refreshed (id {PolicyId}, mode {Mode})")]
    public static partial void Refreshed(ILogger logger, string domain, string policyId, string mode);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "MTA-STS policy refresh of {Domain} failed, the cached policy stays until it expires: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string domain, string reason);

    [LoggerMessage(EventId = 5404, Level = LogLevel.Error, Message = "MTA-STS refresh pass failed; trying again next interval")]
    public static partial void RefreshPassFailed(ILogger logger, Exception exception);
}
