using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Its own server: the password changes.</summary>
public sealed class PasswordTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task ChangePassword_ThenSignInWithNewOnly()
    {
        var page = await fixture.SignedInPageAsync();
        var url = fixture.Server.ConsoleUrl;
        await ConsolePages.OpenAsync(page, url, "/account/password", "#pw-save");
        await page.FillAsync("#pw-current", "not-the-password");
        await page.FillAsync("#pw-new", "a-brand-new-password");
        await page.FillAsync("#pw-repeat", "a-brand-new-password");
        await page.ClickAsync("#pw-save");
        await Assertions.Expect(page.Locator("#pw-error")).ToContainTextAsync("current password is wrong");

        await page.FillAsync("#pw-current", TestServer.AdminPassword);
        await page.ClickAsync("#pw-save");
        // The change signs out every session, this one included.
        await page.WaitForURLAsync(u => u.Contains("/login?error=changed", StringComparison.Ordinal), new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#login-notice")).ToContainTextAsync("Password changed");
        await ConsolePages.ScreenshotAsync(page, "change-password");

        await ConsolePages.SubmitLoginAsync(page, url, TestServer.AdminPassword);
        Assert.Contains("error=invalid", page.Url, StringComparison.Ordinal);
        await ConsolePages.SignInAsync(page, url, "a-brand-new-password");
        await page.Context.CloseAsync();
    }
}
