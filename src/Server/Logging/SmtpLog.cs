namespace MailHost.Server.Logging;

internal static partial class SmtpLog
{
    [LoggerMessage(6101, LogLevel.Information, "SMTP connection from {Remote} on {Listener} refused: {Reply}", EventName = "SmtpRefused")]
    public static partial void Refused(ILogger logger, string remote, string listener, string reply);

    [LoggerMessage(6102, LogLevel.Information, "Queued {QueueId} from <{Sender}> for {Recipients} recipient(s), {Size} bytes, client {Remote}", EventName = "SmtpAccepted")]
    public static partial void Accepted(ILogger logger, string queueId, string sender, int recipients, long size, string remote);

    [LoggerMessage(6103, LogLevel.Information, "Recipient <{Recipient}> from {Remote} refused: {Reason}", EventName = "SmtpRecipientRefused")]
    public static partial void RecipientRefused(ILogger logger, string remote, string recipient, string reason);

    [LoggerMessage(6104, LogLevel.Information, "Message from {Remote} refused: {Reason}", EventName = "SmtpMessageRefused")]
    public static partial void MessageRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(6105, LogLevel.Warning, "{Remote} sent {Bytes} bytes after STARTTLS before the handshake; discarded", EventName = "SmtpStartTlsInjection")]
    public static partial void StartTlsInjection(ILogger logger, string remote, long bytes);

    [LoggerMessage(6106, LogLevel.Error, "Command from {Remote} failed", EventName = "SmtpCommandFailed")]
    public static partial void CommandFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(6107, LogLevel.Error, "Spooling message {QueueId} failed", EventName = "SmtpSpoolFailed")]
    public static partial void SpoolFailed(ILogger logger, string queueId, Exception exception);
}
