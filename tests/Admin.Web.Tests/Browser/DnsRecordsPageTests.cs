using MailHost.Server.Dkim;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>
/// Issue 15 "publishing": the console's DNS records page and the dashboard checklist against a real DNS
/// server (dnsmasq) that serves some records right (MX, DKIM, TLS-RPT, the PTR of the host name) and some
/// wrong or not at all (SPF with +all, no DMARC; MTA-STS not published because its mode is none); chromium reads the pages.
/// </summary>
public sealed class DnsRecordsPageTests
{
    [Fact]
    public async Task DnsRecordsPage_ChecksEachRecordLive_AndChecklistUsesRealLookups()
    {
        var key = DkimKeyRing.Create("example.test", "s1", DkimAlgorithm.Ed25519);
        key.Active = true;
        using var dns = await DnsmasqServer.StartAsync(
        [
            DnsmasqServer.Mx("example.test", TestDataDir.Hostname, 10),
            DnsmasqServer.Txt("example.test", "v=spf1 mx +all"),
            DnsmasqServer.Txt("s1._domainkey.example.test", DkimKeyMaterial.TxtRecord(key.Algorithm, key.PrivateKeyPem)),
            DnsmasqServer.Txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tls@example.test"),
            // dnsmasq answers both the A record and its PTR: forward-confirmed reverse DNS.
            DnsmasqServer.Address(TestDataDir.Hostname, "192.0.2.25"),
            // Authoritative for the host name's zone: its AAAA question gets NODATA, not REFUSED.
            "--local=/local/",
        ]);
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.test" });
            db.DkimKeys.Add(key);
        }, $"--MailHost:DnsServers={dns.EndPoint}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);

        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/", "#stats");
        await page.ClickAsync("nav a[href='/dns-records']");
        await page.WaitForURLAsync("**/dns-records");
        var table = page.Locator("#dns-records");
        await Assertions.Expect(table.Locator("[data-record='MX']")).ToHaveAttributeAsync("data-status", "ok");
        await Assertions.Expect(table.Locator("[data-record='SPF']")).ToHaveAttributeAsync("data-status", "fix");
        await Assertions.Expect(table.Locator("[data-check='SPF']")).ToContainTextAsync("does not end in -all or ~all");
        await Assertions.Expect(table.Locator("[data-record='DKIM']")).ToHaveAttributeAsync("data-status", "ok");
        await Assertions.Expect(table).ToContainTextAsync("s1._domainkey.example.test");
        await Assertions.Expect(table.Locator("[data-record='DMARC']")).ToHaveAttributeAsync("data-status", "fix");
        // The domain's MTA-STS mode is none (the default): nothing to publish, and no record left over, is right.
        await Assertions.Expect(table.Locator("[data-record='MTA-STS']")).ToHaveAttributeAsync("data-status", "ok");
        await Assertions.Expect(table.Locator("[data-check='MTA-STS']")).ToContainTextAsync("not published (MTA-STS mode is none");
        await Assertions.Expect(table.Locator("[data-record='TLS-RPT']")).ToHaveAttributeAsync("data-status", "ok");
        await ConsolePages.ScreenshotAsync(page, "dns-records");

        // The checklist: DNS records looked up (not done, naming what to fix); the PTR of the host name found.
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/", "#stats");
        var dnsStep = page.Locator("[data-step='dns']");
        await Assertions.Expect(dnsStep).ToHaveAttributeAsync("data-done", "false");
        await Assertions.Expect(dnsStep).ToContainTextAsync("SPF of example.test", new() { Timeout = 30_000 });
        await Assertions.Expect(dnsStep).ToContainTextAsync("DMARC of example.test");
        await Assertions.Expect(dnsStep).Not.ToContainTextAsync("MX of example.test");
        await Assertions.Expect(page.Locator("[data-step='ptr']")).ToHaveAttributeAsync("data-done", "true");
    }
}
