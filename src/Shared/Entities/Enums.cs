namespace MailHost.Shared.Entities;

/// <summary>What a listener speaks. Submission is SMTP with the submission defaults (RFC 6409).</summary>
public enum ListenerProtocol
{
    Smtp = 0,
    Submission = 1,
    Imap = 2,
    Pop3 = 3,
}

/// <summary>
/// Whether a listener expects a PROXY protocol header (HAProxy's proxy-protocol.txt) from a load balancer before
/// anything else, so the session sees the real client address. Any accepts either version.
/// </summary>
public enum ProxyProtocolMode
{
    Off = 0,
    V1 = 1,
    V2 = 2,
    Any = 3,
}

/// <summary>How TLS is negotiated on a listener.</summary>
public enum TlsMode
{
    None = 0,
    StartTlsOptional = 1,
    StartTlsRequired = 2,
    ImplicitTls = 3,
}

/// <summary>What a relay rule does when its conditions match.</summary>
public enum RelayAction
{
    Allow = 0,
    Deny = 1,
    RequireTls = 2,
    Route = 3,
}

/// <summary>Outbound TLS level, after Postfix's smtp_tls_security_level.</summary>
public enum OutboundTlsLevel
{
    None = 0,
    May = 1,
    Encrypt = 2,
    Verify = 3,
}

/// <summary>
/// Outbound DANE (RFC 7672) per route. Opportunistic: TLSA records are used when the MX, its address and the
/// TLSA answers are all DNSSEC-validated, else the route's TLS level applies. Required: such records must exist.
/// </summary>
public enum OutboundDaneLevel
{
    Off = 0,
    Opportunistic = 1,
    Required = 2,
}

/// <summary>DKIM signing algorithm and key size.</summary>
public enum DkimAlgorithm
{
    Rsa2048 = 0,
    Rsa4096 = 1,
    Ed25519 = 2,
}
