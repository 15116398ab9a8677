using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MailHost.Server.Delivery;

/// <summary>RFC 8460 §4.3 result types, plus "success", and the policy types of §4.4.</summary>
public static class TlsReportResults
{
    public const string Success = "success";
    public const string StartTlsNotSupported = "starttls-not-supported";
    public const string CertificateHostMismatch = "certificate-host-mismatch";
    public const string CertificateExpired = "certificate-expired";
    public const string CertificateNotTrusted = "certificate-not-trusted";
    public const string ValidationFailure = "validation-failure";
    public const string TlsaInvalid = "tlsa-invalid";
    public const string DnssecInvalid = "dnssec-invalid";
    public const string DaneRequired = "dane-required";
    public const string StsPolicyFetchError = "sts-policy-fetch-error";
    public const string StsPolicyInvalid = "sts-policy-invalid";
    public const string StsWebPkiInvalid = "sts-webpki-invalid";

    public const string PolicySts = "sts";
    public const string PolicyTlsa = "tlsa";
    public const string PolicyNone = "no-policy-found";

    /// <summary>The result type of a certificate the PKIX check refused (RFC 8460 §4.3.1).</summary>
    public static string ForCertificate(SslPolicyErrors errors, X509Chain? chain)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return ValidationFailure;
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return CertificateHostMismatch;
        }
        var status = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (a, s) => a | s.Status) ?? X509ChainStatusFlags.NoError;
        return (status & X509ChainStatusFlags.NotTimeValid) != 0 ? CertificateExpired : CertificateNotTrusted;
    }
}
