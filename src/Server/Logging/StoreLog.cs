namespace MailHost.Server.Logging;

internal static partial class StoreLog
{
    [LoggerMessage(7001, LogLevel.Warning, "Store recovery: {Partial} partial files deleted, {Indexed} files re-indexed, {Dropped} index rows without file dropped, {Finished} committed deletions finished", EventName = "StoreRecovered")]
    public static partial void Recovered(ILogger logger, int partial, int indexed, int dropped, int finished);

    [LoggerMessage(7002, LogLevel.Information, "Delivered {QueueId} to {Account}: {Detail}", EventName = "LocalDelivered")]
    public static partial void Delivered(ILogger logger, string queueId, string account, string detail);

    [LoggerMessage(7003, LogLevel.Warning, "Local delivery of {QueueId} to {Account} failed: {Reason}", EventName = "LocalDeliveryFailed")]
    public static partial void DeliveryFailed(ILogger logger, string queueId, string account, string reason);

    [LoggerMessage(7004, LogLevel.Error, "Local delivery worker error on {QueueId}", EventName = "LocalDeliveryError")]
    public static partial void WorkerError(ILogger logger, string queueId, Exception exception);

    [LoggerMessage(7005, LogLevel.Debug, "Local delivery of {QueueId} paused: {Free} bytes free, reserve {Reserve}", EventName = "LocalDeliveryPausedForDiskSpace")]
    public static partial void PausedForDiskSpace(ILogger logger, string queueId, long free, long reserve);
}
