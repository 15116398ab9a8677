using System.Collections.Concurrent;
using MailHost.Server.Auth;
using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Server.Storage;

namespace MailHost.Server.Pop3;

/// <summary>Runs a POP3 session on each connection of a POP3 listener (110 STLS, 995 implicit TLS).</summary>
public sealed class Pop3ConnectionHandler(MailStore store, CredentialVerifier verifier, AuthThrottle throttle, ActivityLog activity, TimeProvider time, ILogger<Pop3ConnectionHandler> logger) : IConnectionHandler
{
    /// <summary>Accounts with a POP3 session in the transaction state (RFC 1939 §8: exclusive access to the maildrop).</summary>
    private readonly ConcurrentDictionary<string, byte> _locked = new(StringComparer.OrdinalIgnoreCase);

    public bool Handles(ListenerProtocol protocol) => protocol == ListenerProtocol.Pop3;

    public async Task RunAsync(MailConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var session = new Pop3Session(connection, store, verifier, throttle, activity, time, logger, _locked);
        await session.RunAsync(cancellationToken);
    }
}
