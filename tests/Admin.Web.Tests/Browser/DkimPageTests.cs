using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Its own server: its resolver points at a dnsmasq on a port chosen before the key (and so the record) exists.</summary>
public sealed class DkimPageTests
{
    private const string Domain = "example.test";

    [Fact]
    public async Task Dkim_GenerateActivateAndCheckDns_PublishedKeyMatchesOtherNotFound()
    {
        var dnsPort = FreePorts.Next();
        await using var server = await TestServer.StartAsync(db => db.Domains.Add(new MailHost.Shared.Entities.Domain { Name = Domain }), $"--MailHost:DnsServers=127.0.0.1:{dnsPort}");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(10_000);
        await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/dkim", "#dkim-grid");

        // A domain MailHost does not host gets no key.
        await page.FillAsync("#d-domain", "not-hosted.test");
        await page.FillAsync("#d-selector", "x1");
        await page.ClickAsync("#generate-dkim");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("does not host the domain not-hosted.test");
        Assert.Empty(server.Snapshot.Current.DkimKeys);

        // Even a domain's first key waits for "Activate now" or "Activate": the page, the table and the engine agree.
        await GenerateAsync(page, "ui1", "Ed25519");
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("not active yet");
        await Assertions.Expect(page.Locator("#r-value")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$"));
        await Assertions.Expect(Row(page, "ui1").Locator(".dkim-active")).ToHaveTextAsync("");
        Assert.DoesNotContain(server.Snapshot.Current.DkimKeys, k => k.Active);
        await Row(page, "ui1").GetByRole(AriaRole.Button, new() { Name = "Activate", Exact = true }).ClickAsync();
        await Assertions.Expect(Row(page, "ui1").Locator(".dkim-active")).ToHaveTextAsync("yes");
        await GenerateAsync(page, "ui2", "RSA 2048");
        await Assertions.Expect(page.Locator("#r-name")).ToHaveValueAsync("ui2._domainkey." + Domain);
        await Assertions.Expect(Row(page, "ui2").Locator(".dkim-active")).ToHaveTextAsync("");
        var txt = await page.Locator("#r-value").InputValueAsync();
        Assert.StartsWith("v=DKIM1; k=rsa; p=MII", txt, StringComparison.Ordinal);

        await Row(page, "ui2").GetByRole(AriaRole.Button, new() { Name = "Activate", Exact = true }).ClickAsync();
        await Assertions.Expect(Row(page, "ui2").Locator(".dkim-active")).ToHaveTextAsync("yes");
        await Assertions.Expect(Row(page, "ui1").Locator(".dkim-active")).ToHaveTextAsync("");
        await ConsolePages.EventuallyAsync(() => server.Snapshot.Current.DkimKeys.Single(k => k.Active).Selector == "ui2");

        // Publish exactly what the page offered to copy, for ui2 only.
        using var dns = await DnsmasqServer.StartAsync([DnsmasqServer.Txt("ui2._domainkey." + Domain, txt)], port: dnsPort);
        await Row(page, "ui2").GetByRole(AriaRole.Button, new() { Name = "Check DNS", Exact = true }).ClickAsync();
        await Assertions.Expect(Row(page, "ui2").Locator(".dkim-check")).ToHaveTextAsync("matches");
        await Row(page, "ui1").GetByRole(AriaRole.Button, new() { Name = "Check DNS", Exact = true }).ClickAsync();
        await Assertions.Expect(Row(page, "ui1").Locator(".dkim-check")).ToHaveTextAsync("not found");
        await ConsolePages.ScreenshotAsync(page, "dkim");
    }

    private static ILocator Row(IPage page, string selector) => page.Locator($"#dkim-grid tr:has([data-dkim='{selector}._domainkey.{Domain}'])");

    private static async Task GenerateAsync(IPage page, string selector, string algorithm)
    {
        await page.FillAsync("#d-domain", Domain);
        await page.FillAsync("#d-selector", selector);
        await ConsolePages.SelectAsync(page, "#d-algorithm", algorithm);
        await page.ClickAsync("#generate-dkim");
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync($"Key {selector}._domainkey.{Domain} generated");
        await Assertions.Expect(page.Locator("#dkim-record h2")).ToContainTextAsync($"{selector}._domainkey.{Domain}");
    }
}
