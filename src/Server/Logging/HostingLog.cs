namespace MailHost.Server.Logging;

internal static partial class HostingLog
{
    [LoggerMessage(3001, LogLevel.Information, "Listener {Name} ({Protocol}, {TlsMode}) is listening on {EndPoint}", EventName = "Bound")]
    public static partial void Bound(ILogger logger, string name, ListenerProtocol protocol, TlsMode tlsMode, string endPoint);

    [LoggerMessage(3002, LogLevel.Error, "Listener {Name} could not bind {EndPoint}: {Error}", EventName = "BindFailed")]
    public static partial void BindFailed(ILogger logger, string name, string endPoint, string error);

    [LoggerMessage(3003, LogLevel.Information, "Listener {Name} on {EndPoint} stopped accepting; its open sessions continue", EventName = "Unbound")]
    public static partial void Unbound(ILogger logger, string name, string endPoint);

    [LoggerMessage(3004, LogLevel.Warning, "Listener {Name}: accept failed: {Error}", EventName = "AcceptFailed")]
    public static partial void AcceptFailed(ILogger logger, string name, string error);

    [LoggerMessage(3005, LogLevel.Debug, "Session on {Listener} from {Remote} ended: {Reason}", EventName = "SessionEnded")]
    public static partial void SessionEnded(ILogger logger, string listener, string remote, string reason);

    [LoggerMessage(3006, LogLevel.Error, "Session on {Listener} from {Remote} failed", EventName = "SessionCrashed")]
    public static partial void SessionCrashed(ILogger logger, string listener, string remote, Exception exception);
}
