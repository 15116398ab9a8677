using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Tls;

namespace MailHost.Server.Tests.Tls;

public sealed class CertificateSigningRequestsTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mh-csr-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_SignedByCa_ImportsWithPendingKey(bool rsa)
    {
        var csrPem = Create(rsa);
        // The default load options check the request's self-signature.
        var request = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=mail.example.test", request.SubjectName.Name);
        var san = request.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["mail.example.test", "smtp.example.test"], san.EnumerateDnsNames());

        using var ca = PrivateCertificateAuthority.LoadOrCreate(_dataDir, "a CA");
        using var caKey = ca.GetECDsaPrivateKey()!;
        using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(90), [1, 2, 3, 4]);
        using var imported = CertificateSigningRequests.ImportSigned(_dataDir, signed.ExportCertificatePem());

        Assert.NotNull(imported);
        Assert.True(imported.HasPrivateKey);
        Assert.Equal(signed.Thumbprint, imported.Thumbprint);
        Assert.True(KeyMatches(imported), "the pending key does not belong to the certificate");
        // Joined once: the pending key is gone from the data folder.
        Assert.Empty(Directory.GetFiles(Path.Combine(_dataDir, "certs", "pending")));
    }

    [Fact]
    public void ImportSigned_CertificateForOtherKey_Null()
    {
        Create(rsa: false);
        using var other = SelfSignedCertificateFactory.CreateEcdsa("mail.example.test");

        Assert.Null(CertificateSigningRequests.ImportSigned(_dataDir, other.ExportCertificatePem()));
        Assert.Single(Directory.GetFiles(Path.Combine(_dataDir, "certs", "pending")));
    }

    [Fact]
    public void Create_PendingKey_OwnerOnly()
    {
        Create(rsa: false);
        var key = Directory.GetFiles(Path.Combine(_dataDir, "certs", "pending")).Single();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    private string Create(bool rsa) => CertificateSigningRequests.Create(_dataDir, ["mail.example.test", "smtp.example.test"], rsa);

    private static bool KeyMatches(X509Certificate2 certificate)
    {
        var data = "proof"u8.ToArray();
        if (certificate.GetRSAPrivateKey() is { } rsa)
        {
            using (rsa)
            using (var pub = certificate.GetRSAPublicKey()!)
            {
                return pub.VerifyData(data, rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }
        using var ec = certificate.GetECDsaPrivateKey()!;
        using var ecPub = certificate.GetECDsaPublicKey()!;
        return ecPub.VerifyData(data, ec.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
