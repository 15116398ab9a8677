namespace MailHost.Server.Logging;

internal static partial class DeliveryLog
{
    [LoggerMessage(7001, LogLevel.Information, "{MessageId} to {Recipient}: {Result} via {RemoteHost} ({Tls}): {Reply}", EventName = "DeliveryAttempt")]
    public static partial void Attempt(ILogger logger, string messageId, string recipient, string result, string remoteHost, string tls, string reply);

    [LoggerMessage(7002, LogLevel.Error, "Processing queued message {MessageId} failed", EventName = "DeliveryProcessingFailed")]
    public static partial void ProcessingFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(7003, LogLevel.Information, "{MessageId}: DSN {BounceId} queued for {Sender}", EventName = "BounceQueued")]
    public static partial void BounceQueued(ILogger logger, string messageId, string bounceId, string sender);

    [LoggerMessage(7004, LogLevel.Error, "Scanning the queue failed", EventName = "QueueScanFailed")]
    public static partial void ScanFailed(ILogger logger, Exception exception);
}
