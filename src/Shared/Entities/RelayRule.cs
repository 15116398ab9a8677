using System.ComponentModel.DataAnnotations;

namespace MailHost.Shared.Entities;

/// <summary>An ordered relay rule or route. Empty conditions match everything.</summary>
public class RelayRule
{
    public int Id { get; set; }
    public int Order { get; set; }
    public string Name { get; set; } = "";

    /// <summary>null: either; true: only authenticated sessions; false: only unauthenticated ones.</summary>
    public bool? WhenAuthenticated { get; set; }
    public int? IpRangeId { get; set; }

    /// <summary>Sender domain pattern ("example.com", "*.example.com"); empty matches any.</summary>
    public string SenderDomain { get; set; } = "";

    /// <summary>Recipient domain pattern; empty matches any.</summary>
    public string RecipientDomain { get; set; } = "";
    public RelayAction Action { get; set; }

    /// <summary>Reply text for Deny and RequireTls.</summary>
    public string Text { get; set; } = "";

    public string SmartHost { get; set; } = "";
    public int SmartHostPort { get; set; } = 25;
    public string SmartHostUser { get; set; } = "";
    public string SmartHostPassword { get; set; } = "";
    public OutboundTlsLevel OutboundTls { get; set; } = OutboundTlsLevel.May;
    public bool OutboundTls12 { get; set; } = true;
    public bool OutboundTls13 { get; set; } = true;

    /// <summary>DANE for this route's next hop (RFC 7672); opportunistic by default: it only ever tightens TLS.</summary>
    public OutboundDaneLevel OutboundDane { get; set; } = OutboundDaneLevel.Opportunistic;

    [ConcurrencyCheck]
    public Guid Version { get; set; } = Guid.NewGuid();
}
