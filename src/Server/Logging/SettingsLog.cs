namespace MailHost.Server.Logging;

internal static partial class SettingsLog
{
    [LoggerMessage(1001, LogLevel.Information, "Settings revision {Revision} is in effect", EventName = "SnapshotLoaded")]
    public static partial void SnapshotLoaded(ILogger logger, long revision);

    [LoggerMessage(1002, LogLevel.Error, "Settings revision {Revision} is invalid; keeping the previous settings: {Errors}", EventName = "InvalidSettingsKept")]
    public static partial void InvalidSettingsKept(ILogger logger, long revision, string errors);

    [LoggerMessage(1003, LogLevel.Error, "Reloading settings failed", EventName = "ReloadFailed")]
    public static partial void ReloadFailed(ILogger logger, Exception exception);
}
