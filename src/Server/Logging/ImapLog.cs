namespace MailHost.Server.Logging;

internal static partial class ImapLog
{
    [LoggerMessage(8001, LogLevel.Debug, "IMAP session {Session} from {Remote} started on {Listener}", EventName = "ImapSessionStarted")]
    public static partial void Started(ILogger logger, string session, string remote, string listener);

    [LoggerMessage(8002, LogLevel.Information, "IMAP login {User} from {Remote}", EventName = "ImapLogin")]
    public static partial void LoggedIn(ILogger logger, string user, string remote);

    [LoggerMessage(8003, LogLevel.Debug, "IMAP session {Session} ended: {Reason}", EventName = "ImapSessionEnded")]
    public static partial void Ended(ILogger logger, string session, string reason);

    [LoggerMessage(8004, LogLevel.Warning, "IMAP command {Command} in session {Session} failed", EventName = "ImapCommandFailed")]
    public static partial void CommandFailed(ILogger logger, string command, string session, Exception exception);
}
