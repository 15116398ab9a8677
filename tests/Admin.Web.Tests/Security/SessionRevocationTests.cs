using System.Net;
using MailHost.Admin.Web.Tests.Browser;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Security;

/// <summary>
/// Issue 11 item 12: a console cookie copied from a session stops working once that session signs out
/// or the password changes (security stamp in the cookie, checked on every request and circuit).
/// Real HTTP (HttpClient with its own cookie jar) and chromium against a real MailHost.
/// </summary>
public sealed class SessionRevocationTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task SignOut_CopiedCookieStopsWorking()
    {
        using var owner = new ConsoleHttp(fixture.Server.ConsoleUrl);
        var login = await owner.SignInAsync(TestServer.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = owner.SessionCookie;
        Assert.NotNull(cookie);

        using var thief = new ConsoleHttp(fixture.Server.ConsoleUrl);
        thief.UseSessionCookie(cookie);
        Assert.True(await thief.IsSignedInAsync(), "the copied cookie should work before sign-out");

        var logout = await owner.PostFormAsync("/", "/account/logout", []);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        Assert.False(await thief.IsSignedInAsync(), "the copied cookie still opens the console after sign-out");
        // The replayed cookie is not merely ignored for pages: protected endpoints refuse it too.
        using var export = await thief.GetAsync("/export/delivery.csv");
        Assert.NotEqual(HttpStatusCode.OK, export.StatusCode);

        // A fresh sign-in works again (the stamp is replaced, not the account broken).
        using var again = new ConsoleHttp(fixture.Server.ConsoleUrl);
        await again.SignInAsync(TestServer.AdminPassword);
        Assert.True(await again.IsSignedInAsync());
    }

    [Fact]
    public async Task SignOutElsewhere_EndsAnOpenTabsCircuit()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.WaitInteractiveAsync(page);
        using var other = new ConsoleHttp(fixture.Server.ConsoleUrl);
        await other.SignInAsync(TestServer.AdminPassword);
        await other.PostFormAsync("/", "/account/logout", []);
        // No navigation in the tab: the circuit's revalidation (every 10 s) must notice and send it to /login.
        await page.WaitForURLAsync(u => u.Contains("/login", StringComparison.Ordinal), new() { Timeout = 40_000 });
        await page.Context.CloseAsync();
    }
}

/// <summary>Its own server: the password changes.</summary>
public sealed class PasswordChangeRevocationTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task PasswordChange_CopiedCookieAndOtherTabsStopWorking()
    {
        var url = fixture.Server.ConsoleUrl;
        var page = await fixture.SignedInPageAsync();
        var bystander = await fixture.SignedInPageAsync();
        await ConsolePages.WaitInteractiveAsync(bystander);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == ConsoleHttp.CookieName).Value;
        using var thief = new ConsoleHttp(url);
        thief.UseSessionCookie(cookie);
        Assert.True(await thief.IsSignedInAsync(), "the copied cookie should work before the change");

        await ConsolePages.OpenAsync(page, url, "/account/password", "#pw-save");
        await page.FillAsync("#pw-current", TestServer.AdminPassword);
        await page.FillAsync("#pw-new", "another-long-password");
        await page.FillAsync("#pw-repeat", "another-long-password");
        await page.ClickAsync("#pw-save");
        await page.WaitForURLAsync(u => u.Contains("/login?error=changed", StringComparison.Ordinal), new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#login-notice")).ToContainTextAsync("Password changed");

        Assert.False(await thief.IsSignedInAsync(), "the copied cookie still opens the console after the password change");
        await bystander.WaitForURLAsync(u => u.Contains("/login", StringComparison.Ordinal), new() { Timeout = 40_000 });
        await ConsolePages.SignInAsync(page, url, "another-long-password");
        await page.Context.CloseAsync();
        await bystander.Context.CloseAsync();
    }
}
