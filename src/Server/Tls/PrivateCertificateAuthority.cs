using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailHost.Server.Tls;

/// <summary>
/// A private MailHost CA for admins whose clients are all their own: its certificate is installed on the clients
/// once and server certificates issued from it then verify. Kept in the data folder's certs/ (key readable by the owner only).
/// </summary>
public static class PrivateCertificateAuthority
{
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);

    /// <summary>The CA certificate PEM (to install on clients), or null when no CA was created yet.</summary>
    public static string? CertificatePem(string dataDir)
    {
        var path = CertificatePath(dataDir);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>The CA with its key, created on first use.</summary>
    public static X509Certificate2 LoadOrCreate(string dataDir, string organization)
    {
        var keyPath = Path.Combine(dataDir, "certs", "ca", "mailhost-ca.key");
        if (File.Exists(keyPath) && File.Exists(CertificatePath(dataDir)))
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(CertificatePath(dataDir)));
            using var existing = ECDsa.Create();
            existing.ImportFromPem(File.ReadAllText(keyPath));
            return certificate.CopyWithPrivateKey(existing);
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=MailHost private CA, O={organization.Replace(",", " ", StringComparison.Ordinal)}"), key, HashAlgorithmName.SHA384);
        // RFC 5280 §4.2.1.9: a CA that signs end-entity certificates only (path length 0).
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(CaValidity));
        CertificateSigningRequests.WritePrivate(keyPath, PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()));
        File.WriteAllText(CertificatePath(dataDir), ca.ExportCertificatePem());
        return ca;
    }

    /// <summary>A server certificate for the host names signed by the CA, with its new key.</summary>
    public static X509Certificate2 Issue(X509Certificate2 ca, IReadOnlyList<string> hostNames, bool rsa)
    {
        ArgumentNullException.ThrowIfNull(ca);
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CertificateSigningRequests.ServerRequest(hostNames, key);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.Add(SelfSignedCertificateFactory.Validity);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // RFC 5280 §4.1.2.2: a positive integer
        // The generator overload: the CA key (ECDSA) may differ in algorithm from the server key (RSA).
        using var caKey = ca.GetECDsaPrivateKey() ?? throw new ArgumentException("the CA certificate has no ECDSA private key", nameof(ca));
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), notAfter < ca.NotAfter ? notAfter : ca.NotAfter, serial);
        using var withKey = key is RSA r ? issued.CopyWithPrivateKey(r) : issued.CopyWithPrivateKey((ECDsa)key);
        // Round-trip through PKCS#12 so the key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private static string CertificatePath(string dataDir) => Path.Combine(dataDir, "certs", "ca", "mailhost-ca.crt");
}
