using System.Text.RegularExpressions;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Issue 14 defect 3: a message sent with swaks, followed from the delivery log through /trace to its delivery.</summary>
public sealed partial class MessageTraceBrowserTests
{
    private const string Password = "trace-pw";

    [GeneratedRegex(@"queued as (\w+)")]
    private static partial Regex QueuedAs();

    [Fact]
    public async Task Swaks_ToLocalMailbox_DeliveryLogLinkOpensTraceWithIntakeAndDelivery()
    {
        var hash = PasswordHasher.Hash(Password);
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = hash });
            db.Accounts.Add(new Account { Address = "carol@example.com", PasswordHash = hash });
        });
        var (code, text) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("submission").ToString(), "--from", "alice@example.com", "--to", "carol@example.com",
             "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.com", "--auth-password", Password, "--timeout", "20"]);
        Assert.True(code == 0, text);
        var queueId = QueuedAs().Match(text).Groups[1].Value;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (true)
            {
                await server.Services.GetRequiredService<ActivityLog>().FlushAsync(cts.Token);
                await using var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir));
                if (await logs.DeliveryLog.AnyAsync(e => e.QueueId == queueId && e.Result == "delivered", cts.Token))
                {
                    break;
                }
                await Task.Delay(200, cts.Token);
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await ConsoleFixture.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(15_000);
        await ConsolePages.SignInAsync(page, server.ConsoleUrl, TestServer.AdminPassword);
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/logs/delivery", "#delivery-grid");
        // The accepted row (intake) links to the trace; the click follows the message to its delivery.
        await page.Locator($"#delivery-grid tr:has-text('accepted') [data-trace='{queueId}']").ClickAsync();
        await page.WaitForURLAsync($"**/trace/{queueId}");
        var steps = page.Locator("#trace-steps");
        await Assertions.Expect(steps.Locator("[data-stage='intake']")).ToHaveCountAsync(1);
        await Assertions.Expect(steps.Locator("[data-stage='local delivery']")).ToHaveCountAsync(1);
        await Assertions.Expect(steps).ToContainTextAsync("TLSv1.3");
        await Assertions.Expect(steps).ToContainTextAsync("alice@example.com");
        await Assertions.Expect(steps).ToContainTextAsync("local; listener submission");
        await Assertions.Expect(page.Locator("[data-outcome='carol@example.com']")).ToHaveAttributeAsync("data-result", "delivered");
        await ConsolePages.ScreenshotAsync(page, "message-trace");

        // The search box takes a Message-ID too.
        var messageId = (await page.Locator("#trace-message-id").InnerTextAsync()).Trim();
        Assert.StartsWith("<", messageId, StringComparison.Ordinal);
        await ConsolePages.OpenAsync(page, server.ConsoleUrl, "/trace/" + Uri.EscapeDataString(messageId), "#trace-steps");
        await Assertions.Expect(page.Locator($"[data-queue-id='{queueId}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-stage='local delivery']")).ToHaveCountAsync(1);
    }
}
