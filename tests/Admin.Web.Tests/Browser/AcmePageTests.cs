using MailHost.Server.IntegrationTests.Acme;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>The ACME page in chromium against a real pebble: add a certificate, see the CA's error plainly, see the expiry banner.</summary>
public sealed class AcmePageTests
{
    [Fact]
    public async Task Acme_AddFromConsole_FailedChallengeShowsPebblesError_ExpiringCertificateBanner()
    {
        await using var pebble = await PebbleServer.StartAsync(["mail.acme.test"]);
        // The responder is not where pebble looks, so the order fails with pebble's own words.
        await using var server = await TestServer.StartAsync(
            db => db.Certificates.Add(new MailHost.Shared.Entities.Certificate
            {
                Name = "old-import",
                FilePath = "certs/absent.pfx",
                HostNames = "old.acme.test",
                Thumbprint = "00",
                KeyAlgorithm = "ECDSA P-256",
                NotAfterUtc = DateTime.UtcNow.AddDays(5),
            }),
            "--MailHost:AcmeBindAddress=127.0.0.1", $"--MailHost:AcmeHttpPort={FreePorts.Next()}", $"--MailHost:AcmeTrustedCaFile={pebble.TrustedCaFile}",
            "--MailHost:AcmeCheckSeconds=1", "--MailHost:AcmeRetrySeconds=60");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(20_000);
        await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);
        // The expiry banner is on every page, not only the ACME one.
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/queue", "#queue-grid");
        await Assertions.Expect(page.Locator(".cert-expiry")).ToContainTextAsync("old-import");
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/acme", "#acme-grid");
        await Assertions.Expect(page.Locator(".cert-expiry")).ToContainTextAsync("old-import");

        await page.FillAsync("#a-name", "mail");
        await page.FillAsync("#a-domains", "mail.acme.test");
        await ConsolePages.SelectAsync(page, "#a-directory", "Other (directory URL)");
        await page.FillAsync("#a-custom", pebble.DirectoryUrl.ToString());
        await page.FillAsync("#a-email", "admin@acme.test");
        await page.ClickAsync("#a-terms");
        await page.ClickAsync("#acme-add");
        await Assertions.Expect(page.Locator("#acme-grid")).ToContainTextAsync("pending");

        // The page shows state as loaded: reload until the renewer has recorded the failure.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await page.Locator("#acme-grid").InnerTextAsync()).Contains("error", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/acme", "#acme-grid");
        }
        await Assertions.Expect(page.Locator(".acme-error")).ToContainTextAsync("connection: http-01 for mail.acme.test");
        await ConsolePages.ScreenshotAsync(page, "acme");
    }
}
