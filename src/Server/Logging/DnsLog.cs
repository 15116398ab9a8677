namespace MailHost.Server.Logging;

internal static partial class DnsLog
{
    [LoggerMessage(6001, LogLevel.Debug, "DNS server {Server} gave no answer for {Name} {Type}: {Reason}", EventName = "DnsServerFailed")]
    public static partial void ServerFailed(ILogger logger, string server, string name, string type, string reason);
}
