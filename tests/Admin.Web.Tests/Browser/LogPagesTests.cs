using MailHost.Server.Logging;
using MailHost.Shared.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

public sealed class LogPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;
    private ActivityLog Log => fixture.Server.Services.GetRequiredService<ActivityLog>();

    [Fact]
    public async Task DeliveryLog_LiveMode_ShowsNewRowFilterAndCsvExport()
    {
        Log.Add(new DeliveryLogEntry { TimeUtc = DateTime.UtcNow, MessageId = "<old@test>", Sender = "old@example.org", Recipient = "x@example.org", Result = "delivered", RemoteHost = "192.0.2.1", TlsVersion = "TLSv1.3" });
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await Log.FlushAsync(cts.Token);
        }
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/logs/delivery", "#delivery-grid");
        await Assertions.Expect(page.Locator("#delivery-grid")).ToContainTextAsync("old@example.org");

        await page.CheckAsync("#f-live");
        // Rendered from the server's state, so the subscription exists before the entry is written.
        await page.WaitForSelectorAsync("#live-state");
        Log.Add(new DeliveryLogEntry { TimeUtc = DateTime.UtcNow, MessageId = "<live@test>", Sender = "alice@example.com", Recipient = "bob@example.net", Result = "deferred", Reason = "451 try later", RemoteHost = "198.51.100.7", TlsVersion = "TLSv1.2" });
        // No reload: the live subscription brings it in.
        await Assertions.Expect(page.Locator("#delivery-grid")).ToContainTextAsync("alice@example.com");
        await ConsolePages.ScreenshotAsync(page, "delivery-log");

        await page.FillAsync("#f-text", "alice@");
        await Assertions.Expect(page.Locator("#delivery-grid")).Not.ToContainTextAsync("old@example.org");
        await Assertions.Expect(page.Locator("#delivery-grid")).ToContainTextAsync("bob@example.net");

        var href = await page.GetAttributeAsync("#export-csv", "href");
        Assert.Contains("q=alice%40", href, StringComparison.Ordinal);
        var csv = await (await page.Context.APIRequest.GetAsync(Url + href)).TextAsync();
        Assert.StartsWith("time_utc,message_id,sender", csv, StringComparison.Ordinal);
        Assert.Contains("alice@example.com,bob@example.net", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("old@example.org", csv, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TlsLog_ShowsInsertedHandshakeAndFiltersByVersion()
    {
        Log.Add(new TlsLogEntry { TimeUtc = DateTime.UtcNow, Listener = "submissions", RemoteEndpoint = "203.0.113.9:50000", Protocol = "Submission", TlsVersion = "TLSv1.3", Cipher = "TLS_AES_256_GCM_SHA384", Sni = "mx.test.local", AuthMechanism = "PLAIN", AuthResult = "success", AuthUser = "carol@example.com" });
        Log.Add(new TlsLogEntry { TimeUtc = DateTime.UtcNow, Listener = "smtp", RemoteEndpoint = "203.0.113.10:50001", Protocol = "Smtp", TlsVersion = "TLSv1.2", Cipher = "ECDHE-RSA-AES128-GCM-SHA256", Sni = "", AuthResult = "none" });
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await Log.FlushAsync(cts.Token);
        }
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/logs/tls", "#tls-grid");
        await Assertions.Expect(page.Locator("#tls-grid")).ToContainTextAsync("carol@example.com");
        await Assertions.Expect(page.Locator("#tls-grid")).ToContainTextAsync("203.0.113.10");
        await ConsolePages.SelectAsync(page, "#f-tls", "TLSv1.3");
        await Assertions.Expect(page.Locator("#tls-grid")).Not.ToContainTextAsync("203.0.113.10");
        await Assertions.Expect(page.Locator("#tls-grid")).ToContainTextAsync("TLS_AES_256_GCM_SHA384");
        await ConsolePages.ScreenshotAsync(page, "tls-log");

        // The dashboard's TLS chart counts the same rows.
        await ConsolePages.OpenAsync(page, Url, "/", "#listener-status");
        await Assertions.Expect(page.Locator("#tls-chart svg")).ToContainTextAsync("TLSv1.3", new() { Timeout = 10_000 });
        await ConsolePages.ScreenshotAsync(page, "dashboard-tls-chart");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AuditLog_ListsConsoleChange()
    {
        await fixture.Server.Settings.UpdateAsync("console:admin", "test change", (data, _) => data.Server.Banner = "audited banner", CancellationToken.None);
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/audit", "#audit-grid");
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("audited banner");
        await Assertions.Expect(page.Locator("#audit-grid")).ToContainTextAsync("test change");
        await ConsolePages.ScreenshotAsync(page, "audit-log");
        await page.Context.CloseAsync();
    }
}
