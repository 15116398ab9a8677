namespace MailHost.Server.Logging;

internal static partial class AuthLog
{
    [LoggerMessage(4001, LogLevel.Warning, "Address {Address} banned after {Failures} failed logins, until {Until:u}", EventName = "Banned")]
    public static partial void Banned(ILogger logger, string address, int failures, DateTime until);

    [LoggerMessage(4002, LogLevel.Information, "{Protocol} login for {User} from {Remote} failed: {Reason}", EventName = "LoginFailed")]
    public static partial void LoginFailed(ILogger logger, string protocol, string user, string remote, string reason);

    [LoggerMessage(4003, LogLevel.Warning, "Ban of {Address} closed {Sessions} other open sessions", EventName = "BanClosedSessions")]
    public static partial void BanClosedSessions(ILogger logger, string address, int sessions);

    [LoggerMessage(4004, LogLevel.Information, "Password row of {Address} rewritten from the legacy password-equivalent format", EventName = "PasswordRowMigrated")]
    public static partial void PasswordRowMigrated(ILogger logger, string address);

    [LoggerMessage(4005, LogLevel.Warning, "Password row of {Address} could not be rewritten; retried at the next login", EventName = "PasswordRowMigrationFailed")]
    public static partial void PasswordRowMigrationFailed(ILogger logger, string address, Exception exception);
}
