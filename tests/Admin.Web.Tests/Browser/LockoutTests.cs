using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Its own server: locking out 127.0.0.1 would lock every other test out of a shared one.</summary>
public sealed class LockoutTests
{
    [Fact]
    public async Task Login_WrongPassword_FailsAndIsThrottledAfterFive()
    {
        await using var server = await TestServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(10_000);

        await ConsolePages.SubmitLoginAsync(page, server.ConsoleUrl, "wrong");
        Assert.Contains("error=invalid", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("Wrong user name or password");
        await ConsolePages.ScreenshotAsync(page, "login-failed");

        for (var i = 0; i < 4; i++)
        {
            await ConsolePages.SubmitLoginAsync(page, server.ConsoleUrl, "wrong-" + i);
        }
        // Locked: even the right password is refused now, without being checked.
        await ConsolePages.SubmitLoginAsync(page, server.ConsoleUrl, TestServer.AdminPassword);
        Assert.Contains("error=locked", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("Too many failed attempts");
        await ConsolePages.ScreenshotAsync(page, "login-locked");
    }
}
