using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Tls;

namespace MailHost.Server.Tests.Tls;

public sealed class PrivateCertificateAuthorityTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("mh-ca-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Issue_ChainFromCaInCustomTrustStore_Validates(bool rsa)
    {
        using var ca = PrivateCertificateAuthority.LoadOrCreate(_dataDir, "mail.example.test");
        using var issued = PrivateCertificateAuthority.Issue(ca, ["mail.example.test", "imap.example.test"], rsa);

        Assert.True(issued.HasPrivateKey);
        Assert.Equal(["mail.example.test", "imap.example.test"], CertificateFiles.HostNames(issued));
        Assert.True(Build(issued, ca), "chain from the private CA did not validate");
    }

    [Fact]
    public void Issue_OtherCaInTrustStore_DoesNotValidate()
    {
        using var ca = PrivateCertificateAuthority.LoadOrCreate(_dataDir, "mail.example.test");
        using var issued = PrivateCertificateAuthority.Issue(ca, ["mail.example.test"], false);
        using var other = PrivateCertificateAuthority.LoadOrCreate(Path.Combine(_dataDir, "other"), "other.test");

        Assert.False(Build(issued, other));
    }

    [Fact]
    public void LoadOrCreate_SecondTime_SameCaFromDataFolder()
    {
        using var first = PrivateCertificateAuthority.LoadOrCreate(_dataDir, "mail.example.test");
        using var second = PrivateCertificateAuthority.LoadOrCreate(_dataDir, "mail.example.test");

        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(second.HasPrivateKey);
        Assert.Equal(first.ExportCertificatePem(), PrivateCertificateAuthority.CertificatePem(_dataDir)!.Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dataDir, "certs", "ca", "mailhost-ca.key")));
    }

    // A verifier nobody here wrote: OpenSSL checks the chain, the purpose and the host name.
    [Fact]
    public async Task Issue_OpenSslVerifyWithCaFile_Ok()
    {
        using var ca = PrivateCertificateAuthority.LoadOrCreate(_dataDir, "mail.example.test");
        using var issued = PrivateCertificateAuthority.Issue(ca, ["mail.example.test"], false);
        var leaf = Path.Combine(_dataDir, "leaf.pem");
        await File.WriteAllTextAsync(leaf, issued.ExportCertificatePem());
        var caFile = Path.Combine(_dataDir, "certs", "ca", "mailhost-ca.crt");

        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "verify", "-CAfile", caFile, "-purpose", "sslserver", "-verify_hostname", "mail.example.test", leaf })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var output = await process.StandardOutput.ReadToEndAsync(cts.Token) + await process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);

        Assert.True(process.ExitCode == 0, output);
        Assert.Contains(": OK", output, StringComparison.Ordinal);
    }

    private static bool Build(X509Certificate2 leaf, X509Certificate2 trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(trusted.RawData));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        return chain.Build(leaf);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
