using System.Net;
using MailHost.Admin.Web.Tests.Browser;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Security;

/// <summary>Issue 11 item 18: the console's security headers, a hostile returnUrl, and that chromium runs the console under the CSP.</summary>
public sealed class ConsoleHeadersTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Theory]
    [InlineData("/login")]
    [InlineData("/")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/no-such-page")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string path)
    {
        using var http = new ConsoleHttp(fixture.Server.ConsoleUrl);
        await http.SignInAsync(TestServer.AdminPassword);
        using var response = await http.GetAsync(path);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/dash\tboard")]
    [InlineData("/\r\nSet-Cookie: x=1")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task Login_WithHostileReturnUrl_RedirectsHome(string returnUrl)
    {
        using var http = new ConsoleHttp(fixture.Server.ConsoleUrl);
        using var response = await http.SignInAsync(TestServer.AdminPassword, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Login_WithLocalReturnUrl_StillGoesThere()
    {
        using var http = new ConsoleHttp(fixture.Server.ConsoleUrl);
        using var response = await http.SignInAsync(TestServer.AdminPassword, "/listeners");
        Assert.Equal("/listeners", response.Headers.Location?.OriginalString);
        // The login page itself renders a TAB-bearing returnUrl instead of failing.
        using var page = await http.GetAsync("/login?returnUrl=%2F%09%2Fevil.example");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Chromium_RunsTheConsoleUnderTheCsp_WithoutViolations()
    {
        var context = await fixture.Browser.NewContextAsync();
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add(m.Text);
                }
            }
        };
        await context.AddInitScriptAsync("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        await ConsolePages.SignInAsync(page, fixture.Server.ConsoleUrl, TestServer.AdminPassword);
        var response = await page.GotoAsync(fixture.Server.ConsoleUrl + "/");
        Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await ConsolePages.WaitInteractiveAsync(page);
        foreach (var path in new[] { "/listeners", "/account/password", "/logs/delivery", "/queue" })
        {
            // Client-side navigation over the circuit, then a real interaction that needs the circuit.
            await page.EvaluateAsync($"Blazor.navigateTo('{path}')");
            await page.WaitForURLAsync(u => u.EndsWith(path, StringComparison.Ordinal));
            await page.WaitForSelectorAsync("h1");
        }
        await ConsolePages.OpenAsync(page, fixture.Server.ConsoleUrl, "/account/password", "#pw-save");
        await page.FillAsync("#pw-new", "short");
        await page.FillAsync("#pw-repeat", "short");
        await page.ClickAsync("#pw-save");
        await Assertions.Expect(page.Locator("#pw-error")).ToContainTextAsync("at least 12");
        var domViolations = await page.EvaluateAsync<string[]>("window.__csp");
        Assert.Empty(domViolations);
        lock (violations)
        {
            Assert.Empty(violations);
        }
        await context.CloseAsync();
    }
}

/// <summary>Its own server: the throttle locks the admin user out for minutes.</summary>
public sealed class ChangePasswordThrottleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task WrongCurrentPasswords_AreThrottled_EvenTheRightOneThen()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, fixture.Server.ConsoleUrl, "/account/password", "#pw-save");
        await page.FillAsync("#pw-new", "a-brand-new-password");
        await page.FillAsync("#pw-repeat", "a-brand-new-password");
        for (var i = 0; i < Admin.Web.Security.LoginThrottle.FailureLimit; i++)
        {
            await page.FillAsync("#pw-current", "wrong-guess-" + i);
            await page.ClickAsync("#pw-save");
            await Assertions.Expect(page.Locator("#pw-error")).ToContainTextAsync("current password is wrong");
            // Another error in between, so each attempt is seen to be answered.
            await page.FillAsync("#pw-repeat", "a-different-new-password");
            await page.ClickAsync("#pw-save");
            await Assertions.Expect(page.Locator("#pw-error")).ToContainTextAsync("differ");
            await page.FillAsync("#pw-repeat", "a-brand-new-password");
        }
        await page.FillAsync("#pw-current", TestServer.AdminPassword);
        await page.ClickAsync("#pw-save");
        await Assertions.Expect(page.Locator("#pw-error")).ToContainTextAsync("Too many wrong passwords");
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);
        // The password did not change: the old one is still the one the server checks.
        Assert.True(await fixture.Server.Services.GetRequiredService<Admin.Web.Backend.IAdminAccounts>()
            .VerifyAsync("admin", TestServer.AdminPassword, CancellationToken.None));
        await page.Context.CloseAsync();
    }
}
