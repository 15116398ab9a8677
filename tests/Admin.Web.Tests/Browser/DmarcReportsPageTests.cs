using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Entities;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>
/// The DMARC reports page: python smtplib mails a real gzip aggregate report to the configured report
/// address; chromium finds it summed per reporter, domain and source IP, with the failing source marked,
/// and the domain filter narrowing the table.
/// </summary>
public sealed class DmarcReportsPageTests
{
    private const string Address = "dmarc@example.com";

    [Fact]
    public async Task ReceivedReport_ShownPerSourceIp_FailuresMarked_DomainFilterNarrows()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = Address, PasswordHash = "x" });
        }, $"--MailHost:DmarcReports:Address={Address}");
        var (code, output) = await ExternalTool.RunAsync("/usr/bin/python3",
            [Path.Combine(AppContext.BaseDirectory, "MailAuth", "dmarc_send_reports.py"), server.Port("smtp").ToString(CultureInfo.InvariantCulture), Address, "gzip"], timeoutSeconds: 120);
        Assert.True(code == 0, output);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/", "#stats");
        await page.ClickAsync("nav a[href='/dmarc-reports']");
        await page.WaitForURLAsync("**/dmarc-reports");

        // The report is parsed in the background: refresh until its rows are there.
        var table = page.Locator("#dmarc-received");
        for (var i = 0; i < 60 && await table.CountAsync() == 0; i++)
        {
            await page.ClickAsync("#dmarc-refresh");
            await page.WaitForTimeoutAsync(500);
        }
        var good = table.Locator("tr[data-ip='192.0.2.10']");
        await Assertions.Expect(good).ToContainTextAsync("reporter.example");
        await Assertions.Expect(good.Locator("td").Nth(4)).ToHaveTextAsync("5");
        await Assertions.Expect(good.Locator("td").Nth(5)).ToHaveTextAsync("0");
        var bad = table.Locator("tr[data-ip='192.0.2.66']");
        await Assertions.Expect(bad.Locator("td").Nth(4)).ToHaveTextAsync("0");
        await Assertions.Expect(bad.Locator("td").Nth(5)).ToHaveTextAsync("3");
        await Assertions.Expect(bad.Locator("td").Nth(5).Locator(".mud-chip-color-error")).ToHaveCountAsync(1);
        await ConsolePages.ScreenshotAsync(page, "dmarc-reports");

        await page.FillAsync("#dmarc-domain", "other.example");
        await page.ClickAsync("#dmarc-refresh");
        await Assertions.Expect(page.Locator("#dmarc-received-empty")).ToContainTextAsync("for other.example");
    }
}
