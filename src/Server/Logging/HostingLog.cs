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

    [LoggerMessage(3007, LogLevel.Warning, "Listener {Listener} expects a PROXY header; {Peer} is not a trusted source: closed", EventName = "ProxyUntrusted")]
    public static partial void ProxyUntrusted(ILogger logger, string listener, string peer);

    [LoggerMessage(3008, LogLevel.Warning, "Listener {Listener}: PROXY header from {Peer} refused: {Reason}", EventName = "ProxyHeaderRefused")]
    public static partial void ProxyHeaderRefused(ILogger logger, string listener, string peer, string reason);

    [LoggerMessage(3009, LogLevel.Debug, "Listener {Listener}: {Peer} speaks for client {Client} (PROXY v{Version})", EventName = "ProxyClient")]
    public static partial void ProxyClient(ILogger logger, string listener, string peer, string client, int version);
}
