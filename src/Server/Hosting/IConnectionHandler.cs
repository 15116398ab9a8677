namespace MailHost.Server.Hosting;

/// <summary>Runs one protocol session on an accepted connection; implicit TLS is already done when called.</summary>
public interface IConnectionHandler
{
    bool Handles(ListenerProtocol protocol);

    Task RunAsync(MailConnection connection, CancellationToken cancellationToken);
}
