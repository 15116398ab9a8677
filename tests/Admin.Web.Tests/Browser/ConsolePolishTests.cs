using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Issue 14 defects 7 (readable audit), 8 (plain labels, help lines, MB) and 9 (phone layout, favicon, one title, forms on-screen).</summary>
public sealed class ConsolePolishTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;

    [Fact]
    public async Task AuditLog_ShowsFieldChangesInWords_NoJsonEnumNumbersOrTemporaryIds()
    {
        var port = FreePorts.Next();
        await fixture.Server.Settings.UpdateAsync("console:admin", "add listener", (data, _) => data.Listeners.Add(new Listener
        {
            Name = "audit-l",
            Protocol = ListenerProtocol.Smtp,
            BindAddress = "127.0.0.1",
            Port = port,
            TlsMode = TlsMode.None,
            Enabled = false,
        }), CancellationToken.None);
        await fixture.Server.Settings.UpdateAsync("console:admin", "edit listener", (data, _) =>
        {
            var l = data.Listeners.Single(x => x.Name == "audit-l");
            l.TlsMode = TlsMode.StartTlsOptional;
            l.Port = port + 1;
        }, CancellationToken.None);

        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/audit", "#audit-grid");
        var grid = page.Locator("#audit-grid");
        await Assertions.Expect(grid).ToContainTextAsync("TlsMode: no TLS → STARTTLS optional");
        await Assertions.Expect(grid).ToContainTextAsync($"Port: {port} → {port + 1}");
        await Assertions.Expect(grid).ToContainTextAsync("added Listener 'audit-l'");
        var text = await grid.InnerTextAsync();
        Assert.DoesNotContain("\"TlsMode\"", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"Id: -\d"), text);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Labels_PlainWords_HelpUnderFlagsAndSettings_SizeInMegabytes()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/listeners", "#listeners-grid");
        await Assertions.Expect(page.Locator("#listeners-grid tr:has([data-listener='smtp'])")).ToContainTextAsync("STARTTLS optional");
        Assert.DoesNotContain("StartTlsOptional", await page.Locator("#listeners-grid").InnerTextAsync(), StringComparison.Ordinal);

        await ConsolePages.OpenAsync(page, Url, "/ip-ranges", "#ranges-grid");
        await page.ClickAsync("#add-range");
        var flags = page.Locator("#range-form .mh-flag");
        await Assertions.Expect(flags).ToHaveCountAsync(9);
        for (var i = 0; i < 9; i++)
        {
            Assert.True((await flags.Nth(i).Locator(".mh-help").InnerTextAsync()).Length > 10);
        }

        await ConsolePages.OpenAsync(page, Url, "/server", "#server-form");
        // Every setting carries one line of help (a Mud helper text or, for a checkbox, a help line).
        var withoutHelp = await page.EvaluateAsync<int>("""
            () => [...document.querySelectorAll('#server-form .mud-input-control, #server-form .mh-flag')].filter(c => c.classList.contains('mh-flag') || !c.closest('.mh-flag'))
                .filter(c => !c.querySelector('.mud-input-helper-text, .mh-help') || c.querySelector('.mud-input-helper-text, .mh-help').innerText.trim().length < 10).length
            """);
        Assert.Equal(0, withoutHelp);
        var size = fixture.Server.Snapshot.Current.Server.MaxMessageSize;
        await Assertions.Expect(page.Locator("#s-size")).ToHaveValueAsync((size / 1048576).ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#server-form")).ToContainTextAsync("Max message size (MB)");

        var output = new StringWriter();
        Assert.Equal(0, await MailHost.Server.Cli.CliApp.RunAsync(["server", "show", $"--MailHost:DataDir={fixture.Server.DataDir}"], TextReader.Null, output, output));
        Assert.Matches(new Regex(@"max-message-size\s+" + (size / 1048576) + " MB"), output.ToString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Phone_ListenersAsCards_TlsVisible_PolicyFormOnScreen_FaviconAndOneTitle()
    {
        var page = await fixture.SignedInPageAsync(390, 844);
        await ConsolePages.OpenAsync(page, Url, "/listeners", "#listeners-grid");
        var row = page.Locator("#listeners-grid tr:has([data-listener='smtp'])");
        var box = await row.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Height < 450, $"a listener row is {box.Height} px tall at 390 px");
        await Assertions.Expect(row.Locator(".mh-tls-mode")).ToBeVisibleAsync();
        await row.Locator(".mh-tls-mode").ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(row.Locator(".mh-tls-mode")).ToBeInViewportAsync(new() { Ratio = 1 });
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 392, $"page is {scrollWidth} px wide at 390 px");

        Assert.Equal(1, await page.EvaluateAsync<int>("() => document.querySelectorAll('title').length"));
        Assert.Equal("MailHost · Listeners", await page.TitleAsync());
        var icon = await page.GetAttributeAsync("link[rel='icon']", "href");
        Assert.NotNull(icon);
        var response = await page.Context.APIRequest.GetAsync(Url.TrimEnd('/') + "/" + icon);
        Assert.Equal(200, response.Status);

        await ConsolePages.OpenAsync(page, Url, "/tls", "#policies-grid");
        await page.Locator("#policies-grid tr:has([data-policy='intermediate'])").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#policy-form h6, #policy-form .mud-typography-h6").First).ToBeInViewportAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dashboard_GettingStartedChecklist_WarnsOnNonFqdnHostAndSelfSignedDefault()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/", "#listener-status");
        await Assertions.Expect(page.Locator("#getting-started")).ToBeVisibleAsync();
        foreach (var step in new[] { "domain", "account", "dkim", "dns", "ptr", "certificate" })
        {
            await Assertions.Expect(page.Locator($"#getting-started [data-step='{step}']")).ToHaveCountAsync(1);
        }
        // The test server calls itself mx.test.local and starts with a generated self-signed certificate.
        await Assertions.Expect(page.Locator("#warn-hostname")).ToContainTextAsync("mx.test.local");
        await Assertions.Expect(page.Locator("#warn-self-signed")).ToContainTextAsync("self-signed");
        await Assertions.Expect(page.Locator("#getting-started [data-step='certificate']")).ToHaveAttributeAsync("data-done", "false");
        await Assertions.Expect(page.Locator("#getting-started [data-step='domain']")).ToHaveAttributeAsync("data-done", "false");

        await fixture.Server.Settings.UpdateAsync("console:admin", "add domain", (data, _) => data.Domains.Add(new Domain { Name = "checklist.test" }), CancellationToken.None);
        await Assertions.Expect(page.Locator("#getting-started [data-step='domain']")).ToHaveAttributeAsync("data-done", "true", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#getting-started [data-step='dkim']")).ToContainTextAsync("checklist.test");
        await ConsolePages.ScreenshotAsync(page, "dashboard-getting-started");
        await page.Context.CloseAsync();
    }
}
