using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

public sealed class TlsPageTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;

    // Turning TLS 1.2 off in the UI and checking with openssl: TlsImpactBrowserTests (it now asks first).

    [Fact]
    public async Task Policy_LegacyPresetAndBadCipher_ShowsWarningAndFieldError()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/tls", "#policies-grid");
        await page.ClickAsync("#add-policy");
        await page.FillAsync("#p-name", "old-clients");
        await page.ClickAsync("#preset-legacy");
        await Assertions.Expect(page.Locator("#policy-warnings")).ToContainTextAsync("RFC 8996");
        await page.FillAsync("#p-ciphers", "RC4-SHA");
        await page.ClickAsync("#save-policy");
        await Assertions.Expect(page.Locator("#policy-form .mh-field-error").First).ToContainTextAsync("RC4");
        await ConsolePages.ScreenshotAsync(page, "tls-policy-errors");
        Assert.DoesNotContain(fixture.Server.Snapshot.Current.TlsPolicies.Values, p => p.Name == "old-clients");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Certificates_GenerateSelfSignedInUi_ListedAndInSnapshot()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/tls", "#certificates-grid");
        await page.FillAsync("#g-name", "ui-generated");
        await page.FillAsync("#g-host", "mail.example.test");
        await page.ClickAsync("#generate-certificate");
        await Assertions.Expect(page.Locator("#certificates-grid tr:has([data-certificate='ui-generated'])")).ToContainTextAsync("mail.example.test");
        Assert.Contains(fixture.Server.Snapshot.Current.Certificates, c => c.Name == "ui-generated" && c.HostNames.Contains("mail.example.test"));
        await ConsolePages.ScreenshotAsync(page, "tls-certificates");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Certificates_CreatePrivateCaInUi_DefaultAndVerifiesWithDownloadedCa()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/tls", "#certificates-grid");
        await page.FillAsync("#ca-name", "ui-private-ca");
        await page.FillAsync("#ca-hosts", "mail.private.test, imap.private.test");
        await page.ClickAsync("#issue-private-ca");
        var row = page.Locator("#certificates-grid tr:has([data-certificate='ui-private-ca'])");
        await Assertions.Expect(row).ToContainTextAsync("mail.private.test,imap.private.test");
        await Assertions.Expect(row).ToContainTextAsync("yes");
        await Assertions.Expect(page.Locator("#ca-pem")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^-----BEGIN CERTIFICATE-----"));
        await ConsolePages.ScreenshotAsync(page, "tls-private-ca");
        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.Certificates.Any(c => c.Name == "ui-private-ca" && c.IsDefault));

        // The download link needs the signed-in admin; the browser's cookies get it, a stranger does not.
        var download = await page.Context.APIRequest.GetAsync(Url.TrimEnd('/') + "/tls/mailhost-ca.crt");
        Assert.Equal(200, download.Status);
        var caPem = await download.TextAsync();
        Assert.Equal(await page.Locator("#ca-pem").InputValueAsync(), caPem);
        using (var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(5) })
        {
            using var refused = await stranger.GetAsync(new Uri(Url.TrimEnd('/') + "/tls/mailhost-ca.crt"));
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }

        // The engine serves the issued certificate, and a client trusting only the downloaded CA verifies it (chain and name).
        using var ca = X509Certificate2.CreateFromPem(caPem);
        var port = fixture.Server.Port("submissions");
        var clock = Stopwatch.StartNew();
        while (!await VerifiesAsync(port, "imap.private.test", ca))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "the private CA certificate did not verify within 2 s");
            await Task.Delay(50);
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Certificates_CsrInUiSignedElsewhere_UploadPairsWithPendingKey()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/tls", "#certificates-grid");
        await page.FillAsync("#csr-hosts", "csr.example.test");
        await ConsolePages.SelectAsync(page, "#csr-key", "RSA 2048");
        await page.ClickAsync("#create-csr");
        await Assertions.Expect(page.Locator("#csr-pem")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^-----BEGIN CERTIFICATE REQUEST-----"));
        var request = CertificateRequest.LoadSigningRequestPem(await page.Locator("#csr-pem").InputValueAsync(), HashAlgorithmName.SHA256);

        // "The CA": a throwaway one of the test's own; what comes back is a certificate PEM with no key.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("csr.example.test");
        request.CertificateExtensions.Add(san.Build());
        using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30), [7, 7, 7]);

        await page.FillAsync("#u-name", "ui-csr");
        await page.SetInputFilesAsync("#u-file", new FilePayload { Name = "signed.pem", MimeType = "application/x-pem-file", Buffer = System.Text.Encoding.ASCII.GetBytes(signed.ExportCertificatePem()) });
        await Assertions.Expect(page.Locator("#upload-certificate")).ToBeEnabledAsync();
        await page.ClickAsync("#upload-certificate");
        var row = page.Locator("#certificates-grid tr:has([data-certificate='ui-csr'])");
        await Assertions.Expect(row).ToContainTextAsync("csr.example.test");
        await Assertions.Expect(row).ToContainTextAsync("RSA-2048");
        Assert.Contains(fixture.Server.Snapshot.Current.Certificates, c => c.Name == "ui-csr" && c.Thumbprint == signed.Thumbprint);
        await page.Context.CloseAsync();
    }

    private static async Task<bool> VerifiesAsync(int port, string host, X509Certificate2 ca)
    {
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await tcp.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        await using var ssl = new SslStream(tcp.GetStream(), false);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, CertificateChainPolicy = policy }, cts.Token);
            return true;
        }
        catch (AuthenticationException)
        {
            return false;
        }
    }
}
