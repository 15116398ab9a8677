namespace MailHost.Server.Logging;

internal static partial class DkimLog
{
    [LoggerMessage(8001, LogLevel.Error, "DKIM signing with {Selector}._domainkey.{Domain} failed; sending unsigned", EventName = "DkimSignFailed")]
    public static partial void SignFailed(ILogger logger, string domain, string selector, Exception exception);
}
