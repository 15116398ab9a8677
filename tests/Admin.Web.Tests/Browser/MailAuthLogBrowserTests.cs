using System.Globalization;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>
/// Issue 15 "visible": swaks sends from 127.0.0.2 (a range flagged "verify sender authentication") one
/// message that passes DMARC and one a p=reject domain refuses, with dnsmasq serving the records. Each
/// verdict is recorded in logs.db and shown in the delivery log (column and filter), on the trace page
/// (with the reject reply) and in the dashboard's per-day counts; chromium reads the pages.
/// </summary>
public sealed class MailAuthLogBrowserTests
{
    private static async Task<string> SwaksAsync(TestServer server, string from, string marker)
    {
        var (_, output) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("smtp").ToString(CultureInfo.InvariantCulture), "--local-interface", "127.0.0.2",
             "--from", from, "--to", "bob@example.com", "--helo", "client.test", "--timeout", "20",
             "--header", $"Message-Id: <{marker}@test>", "--header", $"From: {from}", "--body", marker]);
        return output;
    }

    [Fact]
    public async Task PassAndReject_RecordedAndShownInDeliveryLogTraceAndDashboard()
    {
        using var dns = await DnsmasqServer.StartAsync(
        [
            DnsmasqServer.Txt("good.test", "v=spf1 ip4:127.0.0.2 -all"),
            DnsmasqServer.Txt("_dmarc.good.test", "v=DMARC1; p=reject"),
            DnsmasqServer.Txt("strict.test", "v=spf1 ip4:127.0.0.9 -all"),
            DnsmasqServer.Txt("_dmarc.strict.test", "v=DMARC1; p=reject"),
            DnsmasqServer.Txt("client.test", "v=spf1 -all"),
        ]);
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "bob@example.com", PasswordHash = "x" });
            db.IpRanges.Add(new IpRange { Name = "Internet A", Priority = 30, LowerAddress = "127.0.0.2/32", VerifySenderAuthentication = true, RequireTlsForAuth = false });
        }, $"--MailHost:DnsServers={dns.EndPoint}");

        Assert.Contains("250 2.0.0 Ok: queued", await SwaksAsync(server, "alice@good.test", "marker-good"), StringComparison.Ordinal);
        Assert.Contains("550 5.7.1", await SwaksAsync(server, "mallory@strict.test", "marker-bad"), StringComparison.Ordinal);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server.Services.GetRequiredService<ActivityLog>().FlushAsync(cts.Token);
        await using (var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir)))
        {
            var rows = await logs.MailAuthResults.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cts.Token);
            Assert.Equal(2, rows.Count);
            // Refusals go through the log's important lane, so they may be written before the routine row: find rows by message.
            var good = rows.Single(r => r.MessageId == "<marker-good@test>");
            Assert.Equal(("<marker-good@test>", "127.0.0.2", "client.test", "good.test", "good.test"), (good.MessageId, good.SourceIp, good.Helo, good.MailFromDomain, good.FromDomain));
            Assert.Equal(("fail", "pass", "", "pass", "reject", MailAuthDispositions.Delivered), (good.SpfHelo, good.Spf, good.Dkim, good.Dmarc, good.DmarcRequested, good.Disposition));
            Assert.True(good.DmarcSpfAligned);
            var bad = rows.Single(r => r.MessageId == "<marker-bad@test>");
            Assert.Equal(("fail", "fail", "reject", MailAuthDispositions.Rejected), (bad.Spf, bad.Dmarc, bad.DmarcApplied, bad.Disposition));
            Assert.StartsWith("550 5.7.1 DMARC policy of strict.test", bad.RejectReason, StringComparison.Ordinal);
            Assert.NotEqual("", bad.QueueId);
            // The refused intake row carries the same spool id, so the trace finds the verdict.
            Assert.True(await logs.DeliveryLog.AnyAsync(e => e.QueueId == bad.QueueId && e.Result == "refused", cts.Token));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 } });
        page.SetDefaultTimeout(15_000);
        await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);

        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/logs/delivery", "#delivery-grid");
        var grid = page.Locator("#delivery-grid");
        // The good message's intake and local-delivery rows both show its verdict; the refused one its own.
        await Assertions.Expect(grid.Locator("[data-auth]")).ToHaveCountAsync(3);
        await Assertions.Expect(grid.Locator("tr:has-text('refused') [data-auth]")).ToContainTextAsync("dmarc=fail (rejected)");
        await Assertions.Expect(grid.Locator("tr:has-text('accepted') [data-auth]").First).ToContainTextAsync("spf=pass dkim=none dmarc=pass");
        await ConsolePages.SelectAsync(page, "#f-auth", "DMARC fail");
        await Assertions.Expect(grid.Locator("tbody tr:has([data-auth])")).ToHaveCountAsync(1);
        await Assertions.Expect(grid).ToContainTextAsync("mallory@strict.test");
        await Assertions.Expect(grid).Not.ToContainTextAsync("alice@good.test");

        await grid.Locator("[data-trace]").First.ClickAsync();
        await page.WaitForURLAsync("**/trace/**");
        var auth = page.Locator("#trace-auth");
        await Assertions.Expect(auth.Locator("[data-auth-dmarc]")).ToHaveAttributeAsync("data-auth-dmarc", "fail");
        await Assertions.Expect(auth.Locator("[data-auth-spf]")).ToHaveAttributeAsync("data-auth-spf", "fail");
        await Assertions.Expect(auth.Locator("[data-auth-disposition]")).ToHaveAttributeAsync("data-auth-disposition", "rejected");
        await Assertions.Expect(auth.Locator("[data-auth-reject]")).ToContainTextAsync("550 5.7.1 DMARC policy of strict.test");
        await ConsolePages.ScreenshotAsync(page, "mailauth-trace");

        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/", "#stats");
        var today = page.Locator($"#mailauth-days [data-day='{DateTime.UtcNow:yyyy-MM-dd}']");
        await Assertions.Expect(today.Locator("[data-count='dmarc:pass']")).ToHaveTextAsync("1");
        await Assertions.Expect(today.Locator("[data-count='dmarc:fail']")).ToHaveTextAsync("1");
        await Assertions.Expect(today.Locator("[data-count='spf:fail']")).ToHaveTextAsync("1");
        await Assertions.Expect(today.Locator("[data-count='dkim:pass']")).ToHaveTextAsync("0");
    }
}
