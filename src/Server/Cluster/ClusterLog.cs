namespace MailHost.Server.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Listening for settings and ban notifications from the shared database")]
    public static partial void Listening(ILogger logger);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Shared-database notifications lost; reconnecting in {Seconds} s (revision polling continues)")]
    public static partial void ListenFailed(ILogger logger, double seconds, Exception ex);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Node heartbeat to the shared database failed; next try in 5 s")]
    public static partial void HeartbeatFailed(ILogger logger, Exception ex);
}
