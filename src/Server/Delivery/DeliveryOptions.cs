namespace MailHost.Server.Delivery;

/// <summary>Outbound delivery knobs from the "MailHost" configuration section (not settings the console edits).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Port used for MX delivery; 25 except in tests, which point it at a loopback peer.</summary>
    public int OutboundSmtpPort { get; set; } = 25;

    /// <summary>PEM file of extra CA certificates trusted for outbound "verify" TLS besides the system store (a private CA, tests).</summary>
    public string? OutboundTrustedCaFile { get; set; }

    /// <summary>How often the spool is scanned for recipients whose retry time has come.</summary>
    public int QueueScanSeconds { get; set; } = 30;

    public int MaxConcurrentDeliveries { get; set; } = 20;

    /// <summary>At most this many connections to one destination (route or recipient domain) at a time.</summary>
    public int MaxConnectionsPerDestination { get; set; } = 5;

    /// <summary>Overrides every RFC 5321 §4.5.3.2 timeout (seconds); unset means the RFC values.</summary>
    public double? SmtpClientTimeoutSeconds { get; set; }

    public SmtpClientTimeouts Timeouts => SmtpClientTimeoutSeconds is { } s ? SmtpClientTimeouts.Scaled(s) : SmtpClientTimeouts.Rfc5321;
}
