namespace MailHost.Server.Hosting;

/// <summary>Why the accept loop wants a connection refused; the protocol handler says it in its own words.</summary>
public enum ConnectionRefusal
{
    None,
    TooManyConnections,
    TooManyFromAddress,
}
