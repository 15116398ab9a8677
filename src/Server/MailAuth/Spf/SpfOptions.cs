namespace MailHost.Server.MailAuth.Spf;

/// <summary>RFC 7208 limits and the local facts SPF needs. The limits are the RFC's; they are settable only for tests of the limits themselves.</summary>
public sealed record SpfOptions
{
    /// <summary>%{r}: the receiving host (RFC 7208 §7.3); "unknown" if not given.</summary>
    public string ReceiverName { get; init; } = "unknown";

    /// <summary>The explanation for a fail without a usable exp= (RFC 7208 §6.2 leaves it to the receiver).</summary>
    public string? DefaultExplanation { get; init; }

    public int MaxDnsLookups { get; init; } = 10;
    public int MaxVoidLookups { get; init; } = 2;
}
