using System.Security.Cryptography.X509Certificates;

namespace MailHost.Server.Tls;

/// <summary>Certificates with their keys as PFX files under the data folder's certs/, readable by the owner only.</summary>
public static class CertificateFiles
{
    public static string Save(string dataDir, string name, X509Certificate2 certificate) => Save(dataDir, name, certificate, chain: null);

    /// <summary>Saves the certificate with the intermediates a CA sent (served with it: clients need the chain).</summary>
    public static string Save(string dataDir, string name, X509Certificate2 certificate, X509Certificate2Collection? chain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var dir = Path.Combine(dataDir, "certs");
        Directory.CreateDirectory(dir);
        var relative = Path.Combine("certs", $"{name}-{certificate.Thumbprint[..8].ToLowerInvariant()}.pfx");
        var full = Path.Combine(dataDir, relative);
        var all = new X509Certificate2Collection(certificate);
        if (chain is not null)
        {
            all.AddRange(chain);
        }
        var bytes = all.Export(X509ContentType.Pkcs12)!;
        using (var stream = new FileStream(full, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        return relative;
    }

    /// <summary>The certificate with the key, and the other certificates of the file (its chain, leaf excluded).</summary>
    public static (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadWithChain(string dataDir, string relativePath)
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(Path.Combine(dataDir, relativePath), password: null, X509KeyStorageFlags.Exportable);
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? all[0];
        var chain = new X509Certificate2Collection();
        chain.AddRange(all.Where(c => !ReferenceEquals(c, leaf)).ToArray());
        return (leaf, chain);
    }

    public static X509Certificate2 Load(string dataDir, string relativePath) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(dataDir, relativePath), password: null,
            X509KeyStorageFlags.Exportable);

    /// <summary>Reads PEM (certificate + key) or PFX bytes as given by an admin.</summary>
    public static X509Certificate2 Import(byte[] content, string? password)
    {
        ArgumentNullException.ThrowIfNull(content);
        var text = System.Text.Encoding.ASCII.GetString(content);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            var pem = X509Certificate2.CreateFromPem(text, text);
            // Round-trip through PKCS#12 so the key is usable by SslStream on Linux.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        }
        return X509CertificateLoader.LoadPkcs12(content, password, X509KeyStorageFlags.Exportable);
    }

    public static string KeyAlgorithm(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                return $"ECDSA P-{ec.KeySize}";
            }
        }
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return $"RSA-{rsa.KeySize}";
            }
        }
        return certificate.PublicKey.Oid.FriendlyName ?? "unknown";
    }

    public static IEnumerable<string> HostNames(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san?.EnumerateDnsNames().ToList() ?? [];
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.DnsName, false) is { Length: > 0 } cn)
        {
            names.Add(cn);
        }
        return names.Select(n => n.ToLowerInvariant()).Distinct();
    }
}
