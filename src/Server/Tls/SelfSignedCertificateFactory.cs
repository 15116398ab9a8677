using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailHost.Server.Tls;

/// <summary>Makes self-signed server certificates with a SAN for the host name (testssl and clients need it).</summary>
public static class SelfSignedCertificateFactory
{
    // Under 398 days so that clients that enforce the CA/B limit still accept it; renewed at start-up when near expiry.
    public static readonly TimeSpan Validity = TimeSpan.FromDays(397);

    public static X509Certificate2 CreateEcdsa(string hostname)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        return Finish(request, hostname, X509KeyUsageFlags.DigitalSignature);
    }

    public static X509Certificate2 CreateRsa(string hostname)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Finish(request, hostname, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment);
    }

    private static X509Certificate2 Finish(CertificateRequest request, string hostname, X509KeyUsageFlags usage)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        if (!hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            san.AddDnsName("localhost");
        }
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Validity));
    }
}
