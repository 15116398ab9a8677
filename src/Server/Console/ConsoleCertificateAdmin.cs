using System.Security.Cryptography;
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
            using var certificate = CertificateFiles.Import(content, password);
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

    private Certificate ToRow(string name, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) => new()
    {
        Name = name,
        FilePath = CertificateFiles.Save(options.Value.FullDataDir, name, certificate),
        HostNames = string.Join(",", CertificateFiles.HostNames(certificate)),
        Thumbprint = certificate.Thumbprint,
        KeyAlgorithm = CertificateFiles.KeyAlgorithm(certificate),
        NotAfterUtc = certificate.NotAfter.ToUniversalTime(),
    };
}
