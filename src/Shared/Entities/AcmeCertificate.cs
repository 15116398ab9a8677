namespace MailHost.Shared.Entities;

/// <summary>Where an ACME certificate stands.</summary>
public enum AcmeCertificateState
{
    Pending = 0,
    Valid = 1,
    Error = 2,
}

/// <summary>
/// A certificate MailHost orders and renews by ACME. The issued certificate is installed as the
/// <see cref="Certificate"/> of the same name (and NAME-rsa for the RSA one when both keys are wanted).
/// </summary>
public class AcmeCertificate
{
    public int Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The DNS names (SANs), comma-separated; the first is the subject.</summary>
    public string Domains { get; set; } = "";
    public int AcmeAccountId { get; set; }
    public AcmeAccount? Account { get; set; }

    /// <summary>"http-01" or "tls-alpn-01".</summary>
    public string Challenge { get; set; } = "http-01";

    /// <summary>"ecdsa" (P-256), "rsa" (2048) or "both".</summary>
    public string KeyType { get; set; } = "ecdsa";

    /// <summary>The installed certificate becomes the default (served when no SNI name matches).</summary>
    public bool MakeDefault { get; set; }

    public AcmeCertificateState State { get; set; }
    public DateTime? NotBeforeUtc { get; set; }
    public DateTime? NotAfterUtc { get; set; }

    /// <summary>The CA's words for the last failure; empty after a success.</summary>
    public string LastError { get; set; } = "";
    public DateTime? LastAttemptUtc { get; set; }

    /// <summary>When the renewer next orders: two thirds into the lifetime, or after a back-off.</summary>
    public DateTime NextAttemptUtc { get; set; }
    public int Failures { get; set; }

    /// <summary>
    /// The certificate keys, PKCS#8 PEM, kept across renewals by default so a published DANE `3 1 1`
    /// TLSA record stays valid. Secrets: never logged or shown.
    /// </summary>
    public string PrivateKeyPem { get; set; } = "";
    public string RsaPrivateKeyPem { get; set; } = "";

    /// <summary>When false a renewal makes new keys (the TLSA records must then be updated).</summary>
    public bool KeepKey { get; set; } = true;
}
