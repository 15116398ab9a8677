using MailHost.Server.Auth;
using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>Runs an IMAP session on each connection of an IMAP listener (143 STARTTLS, 993 implicit TLS).</summary>
public sealed class ImapConnectionHandler(MailStore store, CredentialVerifier verifier, AuthThrottle throttle, ActivityLog activity, TimeProvider time, ILogger<ImapConnectionHandler> logger) : IConnectionHandler
{
    private readonly RecentClaims _recent = new();

    public bool Handles(ListenerProtocol protocol) => protocol == ListenerProtocol.Imap;

    public async Task RunAsync(MailConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var session = new ImapSession(connection, store, verifier, throttle, activity, time, logger, _recent);
        await session.RunAsync(cancellationToken);
    }
}
