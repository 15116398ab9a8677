using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Every console page at desktop (1280×800) and phone (390×844) size, saved to docs/screenshots/ for the README.</summary>
public sealed class ScreenshotTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static readonly (string Path, string Ready, string Name)[] Pages =
    [
        ("/", "#listener-status", "dashboard"),
        ("/server", "#server-form", "server"),
        ("/listeners", "#listeners-grid", "listeners"),
        ("/ip-ranges", "#ranges-grid", "ip-ranges"),
        ("/tls", "#policies-grid", "tls"),
        ("/relay", "#rules-grid", "relay"),
        ("/mailboxes", "#domains-grid", "mailboxes"),
        ("/dkim", "#dkim-grid", "dkim"),
        ("/acme", "#acme-grid", "acme"),
        ("/dns-records", "h1", "dns-records"),
        ("/nodes", "h1", "nodes"),
        ("/dmarc-reports", "h1", "dmarc-reports"),
        ("/queue", "#queue-grid", "queue"),
        ("/trace", "#trace-go", "trace"),
        ("/logs/delivery", "#delivery-grid", "delivery-log"),
        ("/logs/tls", "#tls-grid", "tls-log"),
        ("/audit", "#audit-grid", "audit-log"),
        ("/account/password", "#pw-save", "change-password"),
    ];

    [Fact]
    public async Task EveryPage_DesktopAndPhone_SavedToDocs()
    {
        var dir = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "docs", "screenshots")).FullName;
        foreach (var (width, height, suffix) in new[] { (1280, 800, "desktop"), (390, 844, "phone") })
        {
            // The sign-in page first, in a context without the session cookie.
            var anonymous = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
            await anonymous.GotoAsync(fixture.Server.ConsoleUrl + "/login");
            await anonymous.WaitForSelectorAsync("#password");
            var login = Path.Combine(dir, $"login-{suffix}.png");
            await anonymous.ScreenshotAsync(new PageScreenshotOptions { Path = login });
            Assert.True(new FileInfo(login).Length > 5_000, $"{login} looks empty");
            await anonymous.Context.CloseAsync();

            var page = await fixture.SignedInPageAsync(width, height);
            foreach (var (path, ready, name) in Pages)
            {
                // An empty table in phone (card) layout has no height, so wait for the page heading and the table in the DOM.
                await ConsolePages.OpenAsync(page, fixture.Server.ConsoleUrl, path, "h1");
                await page.WaitForSelectorAsync(ready, new() { State = WaitForSelectorState.Attached });
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var file = Path.Combine(dir, $"{name}-{suffix}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = file });
                Assert.True(new FileInfo(file).Length > 5_000, $"{file} looks empty");
            }
            await page.Context.CloseAsync();
        }
    }

    // The test runs from tests/Admin.Web.Tests/bin/…: the repository is the folder holding MailHost.sln.
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MailHost.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("MailHost.sln not found above " + AppContext.BaseDirectory);
    }
}
