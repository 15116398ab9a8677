namespace MailHost.Server.Delivery;

public enum DeliveryStatus
{
    Delivered,
    Deferred,
    Failed,
}

/// <summary>What happened to one recipient in one attempt, and over which connection.</summary>
public sealed record RecipientOutcome(string Address, DeliveryStatus Status, string Reply, ConnectionFacts Connection);

/// <summary>
/// The facts the delivery log records about the connection used (or last tried). <paramref name="Policy"/>: the
/// transport-security policy that applied ("dane", "dane-unusable"), empty when only the route's TLS level did.
/// </summary>
public sealed record ConnectionFacts(string RemoteHost, string TlsVersion, string Cipher, string Certificate, string Policy = "")
{
    public static ConnectionFacts None { get; } = new("", "", "", "");
}
