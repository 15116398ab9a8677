using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

public sealed class SettingsPagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;

    [Fact]
    public async Task Listeners_AddInUi_PortAcceptsConnectionsWithinOneSecond()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/listeners", "#listeners-grid");
        await page.ClickAsync("#add-listener");
        var port = FreePorts.Next();
        await page.FillAsync("#l-name", "ui-smtp");
        await ConsolePages.SelectAsync(page, "#l-protocol", "SMTP");
        await page.FillAsync("#l-address", "127.0.0.1");
        await page.FillAsync("#l-port", port.ToString(CultureInfo.InvariantCulture));
        await ConsolePages.SelectAsync(page, "#l-tls", "no TLS");
        await ConsolePages.ScreenshotAsync(page, "listeners-form");

        await page.ClickAsync("#save-listener");
        var clock = Stopwatch.StartNew();
        await ConnectWithinAsync(port, TimeSpan.FromSeconds(1));
        var connectedAfter = clock.Elapsed;
        await Assertions.Expect(page.Locator("#apply-state")).ToContainTextAsync("Applied");
        await Assertions.Expect(page.Locator("#apply-state")).ToContainTextAsync($"127.0.0.1:{port}");

        // The status API needs the signed-in admin's cookie, like every console endpoint.
        var response = await page.Context.APIRequest.GetAsync(Url + "/api/status");
        Assert.Equal(200, response.Status);
        using var status = JsonDocument.Parse(await response.TextAsync());
        var listener = status.RootElement.GetProperty("listeners").EnumerateArray().Single(l => l.GetProperty("Name").GetString() == "ui-smtp");
        Assert.Equal("Bound", listener.GetProperty("State").ToString());
        Assert.True(connectedAfter < TimeSpan.FromSeconds(1), $"connected after {connectedAfter.TotalMilliseconds} ms");
        await ConsolePages.ScreenshotAsync(page, "listeners");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Listeners_PortInUse_ShowsValidationErrorAndSavesNothing()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/listeners", "#listeners-grid");
        var revision = fixture.Server.Snapshot.Current.Revision;
        await page.ClickAsync("#add-listener");
        await page.FillAsync("#l-name", "clash");
        await page.FillAsync("#l-address", "127.0.0.1");
        await page.FillAsync("#l-port", fixture.Server.Port("smtp").ToString(CultureInfo.InvariantCulture));
        await page.ClickAsync("#save-listener");
        await Assertions.Expect(page.Locator("#listener-form .mh-field-error")).ToContainTextAsync("already used by listener 'smtp'");
        Assert.Equal(revision, fixture.Server.Snapshot.Current.Revision);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Listeners_MoveToPortAnotherProcessHolds_ShowsRedOnly_OldPortKeepsServing()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/listeners", "#listeners-grid");
        var port = FreePorts.Next();
        await page.ClickAsync("#add-listener");
        await page.FillAsync("#l-name", "ui-move");
        await page.FillAsync("#l-address", "127.0.0.1");
        await page.FillAsync("#l-port", port.ToString(CultureInfo.InvariantCulture));
        await page.ClickAsync("#save-listener");
        await Assertions.Expect(page.Locator("#apply-state")).ToContainTextAsync("Applied");

        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, FreePorts.Next()));
        squatter.Listen();
        var taken = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        await page.Locator("#listeners-grid tr:has-text('ui-move')").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        await page.FillAsync("#l-port", taken.ToString(CultureInfo.InvariantCulture));
        await page.ClickAsync("#save-listener");

        await Assertions.Expect(page.Locator("#apply-state.mh-bad")).ToContainTextAsync("held by another process");
        await Assertions.Expect(page.Locator("#apply-state")).ToContainTextAsync($"still listening on 127.0.0.1:{port}");
        await Assertions.Expect(page.Locator(".mh-notice")).ToHaveCountAsync(0);
        await ConnectWithinAsync(port, TimeSpan.FromSeconds(1));
        await ConsolePages.ScreenshotAsync(page, "listeners-bind-failed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task IpRanges_SetRequireTlsForAuthInUi_SnapshotHasIt()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/ip-ranges", "#ranges-grid");
        Assert.False(fixture.Server.Snapshot.Current.MatchRange(IPAddress.Loopback, DateTime.UtcNow)!.RequireTlsForAuth);

        await page.Locator("#ranges-grid tr:has([data-range='My computer'])").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        await page.CheckAsync("#r-require-tls");
        await page.ClickAsync("#save-range");
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("Saved");

        await WaitUntilAsync(() => fixture.Server.Snapshot.Current.MatchRange(IPAddress.Loopback, DateTime.UtcNow)!.RequireTlsForAuth, TimeSpan.FromSeconds(1));
        await page.FillAsync("#test-address", "127.0.0.1");
        await page.ClickAsync("#test-button");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("'My computer'");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("TLS for auth");
        await page.FillAsync("#test-address", "2001:db8::1");
        await page.ClickAsync("#test-button");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("'Internet (IPv6)'");
        await ConsolePages.ScreenshotAsync(page, "ip-ranges");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task IpRanges_AddIpv6FromToRangeWithExpiry_TestBoxShowsItsFlags()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/ip-ranges", "#ranges-grid");
        await page.ClickAsync("#add-range");
        await page.FillAsync("#r-name", "Partner v6");
        await page.FillAsync("#r-lower", "2001:db8:1::10");
        await page.FillAsync("#r-upper", "2001:db8:1::1f");
        await page.FillAsync("#r-expires", "2099-01-01T00:00");
        await page.CheckAsync("#r-never-ban");
        await page.CheckAsync("#r-relay");
        await Assertions.Expect(page.Locator(".mh-flag:has(#r-verify-sender-auth) .mh-help")).ToContainTextAsync("SPF, DKIM and DMARC");
        await page.CheckAsync("#r-verify-sender-auth");
        await page.ClickAsync("#save-range");
        await Assertions.Expect(page.Locator("#ranges-grid [data-range='Partner v6']")).ToBeVisibleAsync();
        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.IpRanges.Any(r => r.Name == "Partner v6"));

        var range = fixture.Server.Snapshot.Current.IpRanges.Single(r => r.Name == "Partner v6");
        Assert.True(range.NeverBan);
        Assert.True(range.VerifySenderAuthentication);
        Assert.Equal(new DateTime(2099, 1, 1), range.ExpiresUtc);
        await page.FillAsync("#test-address", "2001:db8:1::15");
        await page.ClickAsync("#test-button");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("'Partner v6'");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("never ban");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("verify sender auth");
        await page.FillAsync("#test-address", "2001:db8:1::20");
        await page.ClickAsync("#test-button");
        await Assertions.Expect(page.Locator("#test-result")).ToContainTextAsync("'Internet (IPv6)'");

        // A reversed range is refused with the reason next to the address field, and nothing is saved.
        await page.ClickAsync("#add-range");
        await page.FillAsync("#r-name", "Backwards");
        await page.FillAsync("#r-lower", "10.0.0.9");
        await page.FillAsync("#r-upper", "10.0.0.1");
        await page.ClickAsync("#save-range");
        await Assertions.Expect(page.Locator("#range-form .mh-field-error")).ToContainTextAsync("above upper");
        Assert.DoesNotContain(fixture.Server.Snapshot.Current.IpRanges, r => r.Name == "Backwards");
        await page.Context.CloseAsync();
    }

    private static async Task ConnectWithinAsync(int port, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
                await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                return;
            }
            catch (SocketException) when (clock.Elapsed < limit)
            {
                await Task.Delay(20);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
