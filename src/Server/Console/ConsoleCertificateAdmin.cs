using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailHost.Admin.Web.Backend;
using MailHost.Server.Hosting;
using MailHost.Server.Tls;
using Microsoft.Extensions.Options;

namespace MailHost.Server.AdminConsole;

/// <summary>Writes certificate files for the console; the row is saved by the caller through the settings service.</summary>
public sealed class ConsoleCertificateAdmin(IOptions<MailHostOptions> options) : ICertificateAdmin
{
    public Certificate Import(string name, byte[] content, string? password)
    {
        try
        {
            using var certificate = SignedForPendingRequest(content) ?? CertificateFiles.Import(content, password);
            if (!certificate.HasPrivateKey)
            {
                throw new ArgumentException("the file holds no private key; a server certificate needs one");
            }
            return ToRow(name, certificate);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException("not a readable PEM or PFX file (or wrong password): " + ex.Message, ex);
        }
    }

    public Certificate CreateSelfSigned(string name, string hostname, bool rsa)
    {
        using var certificate = rsa ? SelfSignedCertificateFactory.CreateRsa(hostname) : SelfSignedCertificateFactory.CreateEcdsa(hostname);
        return ToRow(name, certificate);
    }

    public string CreateSigningRequest(IReadOnlyList<string> hostNames, bool rsa) =>
        CertificateSigningRequests.Create(options.Value.FullDataDir, hostNames, rsa);

    public Certificate IssueFromPrivateCa(string name, IReadOnlyList<string> hostNames, bool rsa)
    {
        using var ca = PrivateCertificateAuthority.LoadOrCreate(options.Value.FullDataDir, hostNames[0]);
        using var certificate = PrivateCertificateAuthority.Issue(ca, hostNames, rsa);
        return ToRow(name, certificate);
    }

    public string? PrivateCaPem() => PrivateCertificateAuthority.CertificatePem(options.Value.FullDataDir);

    public bool IsSelfSigned(string filePath)
    {
        try
        {
            using var certificate = CertificateFiles.Load(options.Value.FullDataDir, filePath);
            return certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A PEM holding a certificate but no key: the answer of a CA to a request made here.</summary>
    private X509Certificate2? SignedForPendingRequest(byte[] content)
    {
        var text = System.Text.Encoding.ASCII.GetString(content);
        if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) || text.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return null;
        }
        return CertificateSigningRequests.ImportSigned(options.Value.FullDataDir, text)
            ?? throw new ArgumentException("the file holds a certificate without a key, and no request made here has its public key");
    }

    private Certificate ToRow(string name, X509Certificate2 certificate) => new()
    {
        Name = name,
        FilePath = CertificateFiles.Save(options.Value.FullDataDir, name, certificate),
        HostNames = string.Join(",", CertificateFiles.HostNames(certificate)),
        Thumbprint = certificate.Thumbprint,
        KeyAlgorithm = CertificateFiles.KeyAlgorithm(certificate),
        NotAfterUtc = certificate.NotAfter.ToUniversalTime(),
    };
}
