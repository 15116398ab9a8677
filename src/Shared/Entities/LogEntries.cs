namespace MailHost.Shared.Entities;

/// <summary>One accepted, refused or attempted delivery of a message to a recipient.</summary>
public class DeliveryLogEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }
    public string MessageId { get; set; } = "";
    public string Sender { get; set; } = "";
    public string Recipient { get; set; } = "";
    public long Size { get; set; }

    /// <summary>accepted, refused, delivered, deferred, bounced.</summary>
    public string Result { get; set; } = "";
    public string Reason { get; set; } = "";
    public string RemoteHost { get; set; } = "";
    public string TlsVersion { get; set; } = "";
    public string Cipher { get; set; } = "";
}

/// <summary>One connection: where from, which TLS, which authentication result.</summary>
public class TlsLogEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }
    public string Listener { get; set; } = "";
    public string RemoteEndpoint { get; set; } = "";
    public string Protocol { get; set; } = "";
    public string TlsVersion { get; set; } = "";
    public string Cipher { get; set; } = "";
    public string Sni { get; set; } = "";
    public string AuthMechanism { get; set; } = "";
    public string AuthResult { get; set; } = "";
    public string AuthUser { get; set; } = "";
}

/// <summary>An administrative change: who, when, what, old and new values.</summary>
public class AdminAuditEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Entity { get; set; } = "";
    public string OldValue { get; set; } = "";
    public string NewValue { get; set; } = "";
}
