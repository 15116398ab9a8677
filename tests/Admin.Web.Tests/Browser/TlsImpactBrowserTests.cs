using System.Diagnostics;
using System.Text.RegularExpressions;
using MailHost.Admin.Web.Logs;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>
/// Defect 5 and the "TLS policy change checked with openssl s_client" flow: the page names who the
/// change would refuse (from real openssl connections in the TLS log), asks before saving, and the
/// saved policy is live at the next handshake.
/// </summary>
public sealed partial class TlsImpactBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Tls12Off_PageCountsRecentTls12Clients_ConfirmDialog_ThenOpenSslTls12RefusedTls13Accepted()
    {
        var port = fixture.Server.Port("submissions");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("TLSv1.2", await OpenSslVersionAsync(port, "-tls1_2"));
        }

        // The log writer batches: wait until the three handshakes are in the hourly buckets the page reads.
        var stats = new LogStatistics(fixture.Server.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>(), TimeProvider.System);
        long tls12 = 0;
        var clock = Stopwatch.StartNew();
        while ((tls12 = (await stats.TlsUsageAsync()).Versions.Where(v => v.Listener == "submissions" && v.Version == "TLSv1.2").Sum(v => v.Count)) < 3)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"TLS log has {tls12} TLS 1.2 connections on submissions");
            await Task.Delay(100);
        }

        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, fixture.Server.ConsoleUrl, "/tls", "#policies-grid");
        await page.Locator("#policies-grid tr:has([data-policy='intermediate'])").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#policy-warnings [data-impact='none']")).ToBeVisibleAsync();
        await page.UncheckAsync("#p-tls12");

        var warnings = page.Locator("#policy-warnings");
        await Assertions.Expect(warnings.Locator("[data-impact='break']").Filter(new() { HasText = "on submissions" }))
            .ToHaveTextAsync($"⚠ {tls12} connections in the last 24 h used TLS 1.2 on submissions (port {port}).");
        await Assertions.Expect(warnings.Locator("[data-impact='inbound-mta']")).ToContainTextAsync($"smtp (port {fixture.Server.Port("smtp")}) receives mail from other servers");
        await ConsolePages.ScreenshotAsync(page, "tls-impact");

        // Cancel in the dialog: nothing saved, TLS 1.2 still served.
        await page.ClickAsync("#save-policy");
        await Assertions.Expect(ConsolePages.Dialog(page)).ToContainTextAsync($"used TLS 1.2 on submissions (port {port})");
        await ConsolePages.AnswerDialogAsync(page, "Cancel");
        Assert.Contains(fixture.Server.Snapshot.Current.TlsPolicies.Values, p => p.Name == "intermediate" && p.Protocols.HasFlag(System.Security.Authentication.SslProtocols.Tls12));
        Assert.Equal("TLSv1.2", await OpenSslVersionAsync(port, "-tls1_2"));

        // Save anyway: applied at the next handshake, no restart.
        await page.ClickAsync("#save-policy");
        await ConsolePages.AnswerDialogAsync(page, "Save anyway");
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("next TLS handshake");
        await Assertions.Expect(page.Locator("#policies-grid tr:has([data-policy='intermediate'])")).Not.ToContainTextAsync("1.2");
        clock.Restart();
        while (await OpenSslVersionAsync(port, "-tls1_2") is not null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "openssl -tls1_2 still accepted 10 s after the save");
            await Task.Delay(100);
        }
        Assert.Equal("TLSv1.3", await OpenSslVersionAsync(port, "-tls1_3"));
        await page.Context.CloseAsync();
    }

    /// <summary>The version openssl s_client negotiated, or null when the handshake was refused.</summary>
    private static async Task<string?> OpenSslVersionAsync(int port, string versionFlag)
    {
        var (_, output) = await ExternalTool.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "mx.test.local", versionFlag], stdin: "", timeoutSeconds: 20);
        var m = Negotiated().Match(output);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"New, (TLSv1\.\d), Cipher is (?!\(NONE\))")]
    private static partial Regex Negotiated();
}
