namespace MailHost.Server.Logging;

internal static partial class Pop3Log
{
    [LoggerMessage(8101, LogLevel.Information, "POP3 login {User} from {Remote}", EventName = "Pop3Login")]
    public static partial void LoggedIn(ILogger logger, string user, string remote);

    [LoggerMessage(8102, LogLevel.Information, "POP3 {User} quit: {Deleted} messages deleted", EventName = "Pop3Quit")]
    public static partial void Quit(ILogger logger, string user, int deleted);

    [LoggerMessage(8103, LogLevel.Warning, "POP3 command {Command} in session {Session} failed", EventName = "Pop3CommandFailed")]
    public static partial void CommandFailed(ILogger logger, string command, string session, Exception exception);
}
