using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailHost.Server.Tls;

/// <summary>
/// PKCS#10 requests to send to a CA. The private key waits in certs/pending/ under the data folder, named by
/// the hash of its public key, so that the signed certificate (PEM without a key) finds it when imported.
/// </summary>
public static class CertificateSigningRequests
{
    /// <summary>Makes a key and a request for the host names (the first is the subject CN); returns the CSR PEM.</summary>
    public static string Create(string dataDir, IReadOnlyList<string> hostNames, bool rsa)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ServerRequest(hostNames, key);
        var csr = request.CreateSigningRequestPem();
        var keyPem = PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey());
        WritePrivate(PendingPath(dataDir, request.PublicKey.ExportSubjectPublicKeyInfo()), keyPem);
        return csr;
    }

    /// <summary>
    /// The certificate (first CERTIFICATE block of <paramref name="pem"/>) joined with its pending key, or null
    /// when no request made here has that public key. The pending key file is removed once joined.
    /// </summary>
    public static X509Certificate2? ImportSigned(string dataDir, string pem)
    {
        using var certificate = X509Certificate2.CreateFromPem(pem);
        var path = PendingPath(dataDir, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        if (!File.Exists(path))
        {
            return null;
        }
        var keyPem = File.ReadAllText(path);
        using var withKey = certificate.GetRSAPublicKey() is { } rsaPublic ? WithRsa(certificate, rsaPublic, keyPem) : WithEcdsa(certificate, keyPem);
        // Round-trip through PKCS#12 so the key is usable by SslStream on Linux.
        var result = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        File.Delete(path);
        return result;
    }

    /// <summary>A server certificate request: SAN with every name, serverAuth, not a CA.</summary>
    public static CertificateRequest ServerRequest(IReadOnlyList<string> hostNames, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        if (hostNames.Count == 0)
        {
            throw new ArgumentException("at least one host name is needed", nameof(hostNames));
        }
        var subject = new X500DistinguishedName($"CN={hostNames[0]}");
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDSA keys only", nameof(key)),
        };
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in hostNames)
        {
            san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = key is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>Writes a file readable by the owner only (private keys).</summary>
    internal static void WritePrivate(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(System.Text.Encoding.ASCII.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    private static string PendingPath(string dataDir, byte[] subjectPublicKeyInfo) =>
        Path.Combine(dataDir, "certs", "pending", Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo)) + ".key");

    private static X509Certificate2 WithRsa(X509Certificate2 certificate, RSA publicKey, string keyPem)
    {
        publicKey.Dispose();
        using var key = RSA.Create();
        key.ImportFromPem(keyPem);
        return certificate.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 WithEcdsa(X509Certificate2 certificate, string keyPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        return certificate.CopyWithPrivateKey(key);
    }
}
