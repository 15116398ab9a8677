namespace MailHost.Shared.Entities;

/// <summary>An account at an ACME CA (RFC 8555 §7.3), one per directory and contact.</summary>
public class AcmeAccount
{
    public int Id { get; set; }
    public string DirectoryUrl { get; set; } = "";
    public string ContactEmail { get; set; } = "";

    /// <summary>The admin accepted the CA's terms of service (Let's Encrypt refuses an account without).</summary>
    public bool TermsAccepted { get; set; }

    /// <summary>The terms the CA published when the account was registered.</summary>
    public string TermsOfServiceUrl { get; set; } = "";

    /// <summary>The account URL (the JWS `kid`); empty until the server has registered it.</summary>
    public string AccountUrl { get; set; } = "";

    /// <summary>ES256 account key, PKCS#8 PEM. A secret like the DKIM keys: kept out of the audit log, never shown.</summary>
    public string PrivateKeyPem { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
}
