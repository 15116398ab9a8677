using MailHost.Server.MailAuth;
using MimeKit;

namespace MailHost.Server.Smtp;

/// <summary>
/// Sender authentication at the end of DATA (issue 15): only for unauthenticated clients from IP ranges
/// flagged "verify sender authentication"; authenticated users and trusted ranges are never checked or refused.
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>The refusal (550 DMARC reject, 451 DNS trouble), or null to go on and accept; adds Authentication-Results and Received-SPF.</summary>
    private async Task<SmtpReply?> CheckSenderAuthenticationAsync(SmtpTransaction transaction, MessageWriter writer, CancellationToken cancellationToken)
    {
        if (_authUser is not null || CurrentPolicy(transaction.Snapshot).Range is not { VerifySenderAuthentication: true })
        {
            return null;
        }
        var hostname = transaction.Snapshot.Server.Hostname;
        var request = new InboundAuthRequest(_connection.RemoteAddress, _helo ?? "", transaction.Sender, hostname);
        try
        {
            var report = await writer.ReadContentAsync(async content =>
            {
                // persistent: MimeKit reads the body from the spool file instead of copying it into memory.
                var message = await MimeMessage.LoadAsync(content, persistent: true, cancellationToken);
                return await _services.MailAuth.CheckAsync(request, message, cancellationToken);
            }, cancellationToken);
            var verdict = MailAuthVerdict.Decide(report, _services.MailAuthOptions);
            MailAuthLog.Checked(_services.Logger, _connection.RemoteEndPoint.ToString(), transaction.Sender, report.Summary, verdict.Reason);
            // Every verdict is kept (logs.db): the delivery log, the trace page, the dashboard and the DMARC reports read it.
            _services.Activity.Add(MailAuthRecord.Create(report, verdict, writer.Id, writer.MessageIdHeader ?? "", _services.Time.GetUtcNow().UtcDateTime));
            if (verdict.Refuses)
            {
                return new SmtpReply(verdict.Code, verdict.Enhanced, verdict.Text);
            }
            var fields = AuthResultsHeader.Build(report) + AuthResultsHeader.ReceivedSpf(report);
            await writer.RewriteAsync((source, target, ct) => ForgedResultsFilter.CopyAsync(source, target, fields, hostname, ct), cancellationToken);
            if (verdict.Action == MailAuthAction.Quarantine)
            {
                transaction.Mailbox = "Junk";
            }
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Never lose mail to a fault in the checks: the client retries later.
            MailAuthLog.Failed(_services.Logger, _connection.RemoteEndPoint.ToString(), ex);
            return new SmtpReply(451, "4.7.24", "sender authentication could not be checked; try again later");
        }
    }
}

internal static partial class MailAuthLog
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Sender authentication for {Remote} <{Sender}>: {Summary} {Verdict}")]
    public static partial void Checked(ILogger logger, string remote, string sender, string summary, string verdict);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Sender authentication for {Remote} failed")]
    public static partial void Failed(ILogger logger, string remote, Exception exception);
}
