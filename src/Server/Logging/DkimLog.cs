namespace MailHost.Server.Logging;

internal static partial class DkimLog
{
    [LoggerMessage(8001, LogLevel.Error, "DKIM signing with {Selector}._domainkey.{Domain} failed; sending unsigned", EventName = "DkimSignFailed")]
    public static partial void SignFailed(ILogger logger, string domain, string selector, Exception exception);

    [LoggerMessage(8002, LogLevel.Warning, "DKIM signature by {Selector}._domainkey.{Domain} does not verify over message {MessageId} as sent (MIME round trip differs); sending unsigned", EventName = "DkimSelfCheckFailed")]
    public static partial void SelfCheckFailed(ILogger logger, string domain, string selector, string messageId);
}
