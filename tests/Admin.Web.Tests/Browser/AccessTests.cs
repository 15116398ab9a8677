using System.Net;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

public sealed class AccessTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Login_WithAdminPassword_ShowsDashboardWithBoundListeners()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.WaitInteractiveAsync(page);
        await page.WaitForSelectorAsync("h1:has-text('Dashboard')");
        // The seeded submissions listener is bound and the grid says so.
        var row = page.Locator("#listener-status tr:has([data-listener='submissions'])");
        await Assertions.Expect(row).ToContainTextAsync("bound");
        await ConsolePages.ScreenshotAsync(page, "dashboard");
        var light = await BackgroundAsync(page);
        await page.ClickAsync("#dark-toggle");
        await Assertions.Expect(page.Locator("[data-theme='dark']")).ToHaveCountAsync(1);
        Assert.NotEqual(light, await BackgroundAsync(page));
        // Remembered: a reload comes back dark.
        await page.ReloadAsync();
        await ConsolePages.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-theme='dark']")).ToHaveCountAsync(1);
        Assert.NotEqual(light, await BackgroundAsync(page));
        await ConsolePages.ScreenshotAsync(page, "dashboard-dark");
        await page.SetViewportSizeAsync(390, 844);
        await ConsolePages.ScreenshotAsync(page, "dashboard-phone");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Pages_WithoutLogin_RedirectToLogin()
    {
        var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Server.ConsoleUrl + "/listeners");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.Contains("returnUrl=%2Flisteners", page.Url, StringComparison.Ordinal);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var export = await http.GetAsync(fixture.Server.ConsoleUrl + "/export/delivery.csv");
        Assert.Equal(HttpStatusCode.Redirect, export.StatusCode);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Logout_ThenOpenPage_AsksForLoginAgain()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.WaitInteractiveAsync(page);
        await page.ClickAsync("#logout-button");
        await page.WaitForURLAsync(u => u.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync(fixture.Server.ConsoleUrl + "/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Login_WithoutAntiforgeryToken_IsRefused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await http.PostAsync(fixture.Server.ConsoleUrl + "/account/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = TestServer.AdminPassword }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
