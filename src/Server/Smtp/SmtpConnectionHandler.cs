using MailHost.Server.Auth;
using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Server.Queue;
using MailHost.Server.Storage;

namespace MailHost.Server.Smtp;

/// <summary>Runs SMTP (port 25) and submission (587, 465) sessions.</summary>
internal sealed class SmtpConnectionHandler(
    MessageSpool spool,
    CredentialVerifier verifier,
    AuthThrottle throttle,
    ActivityLog activity,
    TimeProvider time,
    DiskSpaceGuard disk,
    MailStore store,
    MailAuth.InboundMailAuth mailAuth,
    Microsoft.Extensions.Options.IOptions<MailAuth.MailAuthOptions> mailAuthOptions,
    ILogger<SmtpConnectionHandler> logger) : IConnectionHandler
{
    private readonly SmtpServices _services = new(spool, verifier, throttle, activity, time, logger, disk, store, mailAuth, mailAuthOptions.Value);

    public bool Handles(ListenerProtocol protocol) => protocol is ListenerProtocol.Smtp or ListenerProtocol.Submission;

    public async Task RunAsync(MailConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var session = new SmtpSession(connection, _services, cancellationToken);
        await session.RunAsync(cancellationToken);
    }
}
