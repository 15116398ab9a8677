using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace MailHost.Server.Delivery;

/// <summary>Outbound delivery knobs from the "MailHost" configuration section (not settings the console edits).</summary>
public sealed class DeliveryOptions
{
    /// <summary>Port used for MX delivery; 25 except in tests, which point it at a loopback peer.</summary>
    public int OutboundSmtpPort { get; set; } = 25;

    /// <summary>PEM file of extra CA certificates trusted for outbound "verify" TLS besides the system store (a private CA, tests).</summary>
    public string? OutboundTrustedCaFile { get; set; }

    /// <summary>Port of the MTA-STS policy host (RFC 8461 §3.3: 443); tests point it at a loopback HTTPS server.</summary>
    public int MtaStsHttpsPort { get; set; } = 443;

    /// <summary>Time limit for one MTA-STS policy fetch (RFC 8461 §3.3 suggests no more than a minute).</summary>
    public int MtaStsFetchTimeoutSeconds { get; set; } = 15;

    /// <summary>How often cached MTA-STS policies are checked for a new `_mta-sts` id or a coming expiry (RFC 8461 §5.1).</summary>
    public int MtaStsRefreshSeconds { get; set; } = 3600;

    /// <summary>TLS-RPT (RFC 8460) report period: a UTC day; tests shorten it.</summary>
    public int TlsReportIntervalSeconds { get; set; } = 86_400;

    /// <summary>RFC 8460 §4.4 organization-name; unset: the server's host name.</summary>
    public string? TlsReportOrganization { get; set; }

    /// <summary>RFC 8460 §4.4 contact-info and the From of mailed reports; unset: postmaster@ the first local domain (DKIM-signed when it has a key).</summary>
    public string? TlsReportContact { get; set; }

    /// <summary>Time limit for one https: report submission (RFC 8460 §5.4).</summary>
    public int TlsReportHttpsTimeoutSeconds { get; set; } = 30;

    /// <summary>Reports larger than this (compressed) are not sent; RFC 8460 §5.3 lets receivers refuse big ones.</summary>
    public int TlsReportMaxBytes { get; set; } = 5 * 1024 * 1024;

    public TimeSpan TlsReportPeriod => TimeSpan.FromSeconds(Math.Max(1, TlsReportIntervalSeconds));

    /// <summary>How often the spool is scanned for recipients whose retry time has come.</summary>
    public int QueueScanSeconds { get; set; } = 30;

    public int MaxConcurrentDeliveries { get; set; } = 20;

    /// <summary>At most this many connections to one destination (route or recipient domain) at a time.</summary>
    public int MaxConnectionsPerDestination { get; set; } = 5;

    /// <summary>Overrides every RFC 5321 §4.5.3.2 timeout (seconds); unset means the RFC values.</summary>
    public double? SmtpClientTimeoutSeconds { get; set; }

    /// <summary>Local addresses outbound connections come from ("192.0.2.25,2001:db8::25"): one per address family; unset: the kernel's choice.</summary>
    public string? OutboundBindAddresses { get; set; }

    /// <summary>TLS cipher suites offered outbound (IANA names, e.g. "TLS_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"); unset: OpenSSL's defaults.</summary>
    public string? OutboundTlsCipherSuites { get; set; }

    public IPAddress? BindAddressFor(AddressFamily family) =>
        (OutboundBindAddresses ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(IPAddress.Parse).FirstOrDefault(a => a.AddressFamily == family);

    public CipherSuitesPolicy? CipherSuitesPolicy => OutboundTlsCipherSuites is { Length: > 0 } list
        ? new CipherSuitesPolicy(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Enum.Parse<TlsCipherSuite>))
        : null;

    public SmtpClientTimeouts Timeouts => SmtpClientTimeoutSeconds is { } s ? SmtpClientTimeouts.Scaled(s) : SmtpClientTimeouts.Rfc5321;
}
