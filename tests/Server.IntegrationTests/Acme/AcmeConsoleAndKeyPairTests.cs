using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;

namespace MailHost.Server.IntegrationTests.Acme;

/// <summary>
/// The gaps the first ACME tests left: the console's own HTTPS swapped live on renewal, and
/// `--key both` (an ECDSA and an RSA certificate for the same names, each client getting the one it
/// can verify) issued and renewed by a real pebble, seen by openssl s_client and curl.
/// </summary>
public sealed class AcmeConsoleAndKeyPairTests
{
    private const string Name = "mail.acme.test";

    [Fact]
    public async Task ConsoleOnHttps_ServesTheIssuedThenTheRenewedCertificate_WithoutRestart()
    {
        // 30 s certificates: the renewer orders again at 20 s.
        await using var pebble = await PebbleServer.StartAsync([Name], validitySeconds: 30);
        var console = FreePorts.Next();
        await using var host = await AcmeHost.CreateAsync(pebble, consoleHttpsPort: console);
        await host.StartAsync();
        var add = await host.CliAsync("cert", "acme", "add", "mail", "--domain", Name, "--directory", pebble.DirectoryUrl.ToString(),
            "--email", "admin@acme.test", "--agree-tos", "--default");
        Assert.True(add.Code == 0, add.Out);
        Assert.Contains("valid until", await host.WaitForListAsync("mail", r => r.Contains("valid until", StringComparison.Ordinal) || r.Contains("error", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), StringComparison.Ordinal);
        var root = await ServedCertificate.WriteRootAsync(pebble, host.DataDir);

        var first = await ServedCertificate.FetchAsync(console, root, Name);
        Assert.Contains(Name, MailHost.Server.Tls.CertificateFiles.HostNames(first));
        Assert.Contains(first.SerialNumber, await CurlServedSerialsAsync(console, root), StringComparison.OrdinalIgnoreCase);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        var renewed = first;
        while (renewed.SerialNumber == first.SerialNumber && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            renewed = await ServedCertificate.FetchAsync(console, root, Name);
        }
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        // curl (its own OpenSSL client, verifying against pebble's root) sees the new serial too, from the same running process.
        Assert.Contains(renewed.SerialNumber, await CurlServedSerialsAsync(console, root), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ServedCertificate.Spki(first), ServedCertificate.Spki(renewed));
        Assert.Equal(renewed.Thumbprint, (await ServedCertificate.FetchAsync(host.Ports["imaps"], root, Name)).Thumbprint);
    }

    [Fact]
    public async Task KeyBoth_RsaOnlyClientsGetTheRsaTwin_On993And465_BothRenewedWithTheirKeys_OtherSniNamesKeepTheDefault()
    {
        await using var pebble = await PebbleServer.StartAsync([Name], validitySeconds: 30);
        await using var host = await AcmeHost.CreateAsync(pebble);
        await host.StartAsync();
        // No --default: the pair serves its own names only; the self-signed first-run certificate stays the default.
        var add = await host.CliAsync("cert", "acme", "add", "mail", "--domain", Name, "--directory", pebble.DirectoryUrl.ToString(),
            "--email", "admin@acme.test", "--agree-tos", "--key", "both");
        Assert.True(add.Code == 0, add.Out);
        Assert.Contains("valid until", await host.WaitForListAsync("mail", r => r.Contains("valid until", StringComparison.Ordinal) || r.Contains("error", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), StringComparison.Ordinal);
        var root = await ServedCertificate.WriteRootAsync(pebble, host.DataDir);

        var first = new Dictionary<string, (X509Certificate2 Ecdsa, X509Certificate2 Rsa)>();
        foreach (var listener in new[] { "imaps", "submissions" })
        {
            var port = host.Ports[listener];
            var (ecdsa, rsa) = await ServedPairAsync(port, root);
            Assert.Equal(ecdsa.SerialNumber, (await ServedCertificate.FetchAsync(port, root, Name, "-sigalgs", "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256")).SerialNumber);
            first[listener] = (ecdsa, rsa);
            // Another name, and no name at all, get the default, not the pair.
            var other = await ServedCertificate.FetchWithoutSniAsync(port);
            Assert.DoesNotContain(Name, MailHost.Server.Tls.CertificateFiles.HostNames(other));
            Assert.NotEqual(ecdsa.Thumbprint, other.Thumbprint);
            Assert.NotEqual(rsa.Thumbprint, other.Thumbprint);
        }
        Assert.Equal(first["imaps"].Ecdsa.Thumbprint, first["submissions"].Ecdsa.Thumbprint);
        Assert.Equal(first["imaps"].Rsa.Thumbprint, first["submissions"].Rsa.Thumbprint);
        await using (var db = new Shared.Data.MailHostDbContext(Shared.Data.MailHostDatabase.Options(host.DataDir)))
        {
            var rows = db.Certificates.Where(c => c.Name == "mail" || c.Name == "mail-rsa").OrderBy(c => c.Name).ToList();
            Assert.Equal(["mail:ECDSA P-256", "mail-rsa:RSA-2048"], rows.Select(c => $"{c.Name}:{c.KeyAlgorithm}"));
            Assert.All(rows, c => Assert.False(c.IsDefault));
        }

        // Both halves are renewed (new serials) with the keys they had, on both listeners.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var renewed = first["imaps"];
        while ((renewed.Ecdsa.SerialNumber == first["imaps"].Ecdsa.SerialNumber || renewed.Rsa.SerialNumber == first["imaps"].Rsa.SerialNumber) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            renewed = await ServedPairAsync(host.Ports["imaps"], root);
        }
        Assert.NotEqual(first["imaps"].Ecdsa.SerialNumber, renewed.Ecdsa.SerialNumber);
        Assert.NotEqual(first["imaps"].Rsa.SerialNumber, renewed.Rsa.SerialNumber);
        Assert.Equal(ServedCertificate.Spki(first["imaps"].Ecdsa), ServedCertificate.Spki(renewed.Ecdsa));
        Assert.Equal(ServedCertificate.Spki(first["imaps"].Rsa), ServedCertificate.Spki(renewed.Rsa));
        var submissions = await ServedPairAsync(host.Ports["submissions"], root);
        Assert.Equal(renewed.Ecdsa.Thumbprint, submissions.Ecdsa.Thumbprint);
        Assert.Equal(renewed.Rsa.Thumbprint, submissions.Rsa.Thumbprint);
    }

    /// <summary>
    /// A default openssl client (ECDSA first) gets the ECDSA half; one offering only RSA signatures
    /// (TLS 1.3) and one offering only RSA-authenticated TLS 1.2 suites get the RSA half.
    /// </summary>
    private static async Task<(X509Certificate2 Ecdsa, X509Certificate2 Rsa)> ServedPairAsync(int port, string root)
    {
        var ecdsa = await ServedCertificate.FetchAsync(port, root, Name);
        Assert.NotNull(ecdsa.GetECDsaPublicKey());
        var rsa = await ServedCertificate.FetchAsync(port, root, Name, "-sigalgs", "rsa_pss_rsae_sha256:rsa_pkcs1_sha256");
        Assert.NotNull(rsa.GetRSAPublicKey());
        var tls12 = await ServedCertificate.FetchAsync(port, root, Name, "-tls1_2", "-cipher", "aRSA");
        Assert.Equal(rsa.Thumbprint, tls12.Thumbprint);
        Assert.Equal(MailHost.Server.Tls.CertificateFiles.HostNames(ecdsa).Order(), MailHost.Server.Tls.CertificateFiles.HostNames(rsa).Order());
        return (ecdsa, rsa);
    }

    /// <summary>curl's view of the console (it verifies against pebble's root): the served chain's serial numbers.</summary>
    private static async Task<string> CurlServedSerialsAsync(int port, string root)
    {
        var (code, output) = await ExternalTool.RunAsync("curl", ["-sS", "-o", "/dev/null", "--cacert", root, "--resolve", $"{Name}:{port}:127.0.0.1",
            "-w", "%{http_code}\n%{certs}", $"https://{Name}:{port}/api/status"]);
        Assert.True(code == 0, output);
        // OpenSSL's curl prints "Serial Number:" with colon-separated hex bytes.
        return output.Replace(":", "", StringComparison.Ordinal);
    }
}
