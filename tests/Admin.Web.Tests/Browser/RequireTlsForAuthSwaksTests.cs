using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Entities;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Issue 14 flow: "require TLS for authentication" set on an IP range in the console, then checked with swaks and python smtplib.</summary>
public sealed class RequireTlsForAuthSwaksTests
{
    private const string Password = "range-pw";

    [Fact]
    public async Task RequireTlsForAuthOnMyComputer_SwaksPlaintextAuthRefused538_AcceptedAfterStartTls()
    {
        var hash = PasswordHasher.Hash(Password);
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = hash });
        });
        var port = server.Port("smtp"); // STARTTLS optional, AUTH allowed: only the range decides
        Assert.Contains("235 ", (await SwaksAsync(port, tls: false)).Output);

        var playwright = await Playwright.CreateAsync();
        var browser = await ConsoleFixture.LaunchAsync(playwright);
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
            context.SetDefaultTimeout(10_000);
            var page = await context.NewPageAsync();
            await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);
            await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/ip-ranges", "#ranges-grid");
            await page.Locator("#ranges-grid tr:has([data-range='My computer'])").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
            await page.CheckAsync("#r-require-tls");
            await page.ClickAsync("#save-range");
            await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("Saved");
            await ConsolePages.EventuallyAsync(() => server.Snapshot.Current.MatchRange(System.Net.IPAddress.Loopback, DateTime.UtcNow)!.RequireTlsForAuth, 5);
            await context.CloseAsync();
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }

        // Plaintext: AUTH is no longer advertised (swaks gives up), and a client sending it anyway gets RFC 4954's 538 5.7.11.
        var plain = await SwaksAsync(port, tls: false);
        Assert.NotEqual(0, plain.ExitCode);
        Assert.DoesNotContain("235 ", plain.Output);
        var (code, forced) = await ExternalTool.RunAsync("/usr/bin/python3", ["-c",
            "import smtplib,sys\ns=smtplib.SMTP('127.0.0.1',int(sys.argv[1]),timeout=20)\ns.ehlo('client.test')\n" +
            "print(s.docmd('AUTH','PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHJhbmdlLXB3'))\ns.quit()", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(code == 0, forced);
        Assert.Contains("538", forced);
        Assert.Contains("5.7.11", forced);

        // After STARTTLS the same credentials are accepted.
        var tls = await SwaksAsync(port, tls: true);
        Assert.True(tls.ExitCode == 0, tls.Output);
        Assert.Contains("235 ", tls.Output);
    }

    private static Task<(int ExitCode, string Output)> SwaksAsync(int port, bool tls) =>
        ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--from", "alice@example.com", "--to", "alice@example.com",
             .. tls ? new[] { "--tls" } : [], "--auth", "PLAIN", "--auth-user", "alice@example.com", "--auth-password", Password, "--timeout", "20"]);
}
