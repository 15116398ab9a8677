namespace MailHost.Server.Acme;

/// <summary>ACME settings that belong to the machine, not to the settings database (the "MailHost" section).</summary>
public sealed class AcmeOptions
{
    /// <summary>Where the http-01 responder listens; CAs always connect to port 80, so only tests change it.</summary>
    public int AcmeHttpPort { get; set; } = 80;

    /// <summary>Where the tls-alpn-01 responder listens (RFC 8737: CAs connect to 443).</summary>
    public int AcmeTlsAlpnPort { get; set; } = 443;

    /// <summary>The address both responders bind; "::" is every interface (dual stack).</summary>
    public string AcmeBindAddress { get; set; } = "::";

    /// <summary>A PEM file of CA certificates to trust for the ACME server's own HTTPS (a private CA, pebble in tests).</summary>
    public string? AcmeTrustedCaFile { get; set; }

    /// <summary>How often the renewer looks at the ACME certificates (a `cert acme renew` waits at most this long).</summary>
    public int AcmeCheckSeconds { get; set; } = 60;

    /// <summary>The first back-off after a failed order; it doubles per failure up to a day.</summary>
    public int AcmeRetrySeconds { get; set; } = 300;
}
