using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>The header limits on the server settings page: edited in KB, stored in bytes, validated like the engine does.</summary>
public sealed class HeaderLimitSettingsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;

    [Fact]
    public async Task Server_EditHeaderLimitsInKb_SnapshotHasBytes_AndTooSmallIsRefused()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/server", "#server-form");
        await Assertions.Expect(page.Locator("#s-header")).ToHaveValueAsync("100");
        await Assertions.Expect(page.Locator("#s-headerline")).ToHaveValueAsync("8");

        await page.FillAsync("#s-header", "2");
        await page.ClickAsync("#save-server");
        // 2 KB is under the floor, and under the 8 KB line limit too: both errors show.
        await Assertions.Expect(page.Locator("#server-form .mh-field-error", new() { HasText = "between 4 KB and 1024 KB" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#server-form .mh-field-error", new() { HasText = "must not exceed the max header size" })).ToBeVisibleAsync();
        Assert.Equal(100 * 1024, fixture.Server.Snapshot.Current.Server.MaxHeaderBytes);

        await page.FillAsync("#s-header", "64");
        await page.FillAsync("#s-headerline", "4");
        await page.ClickAsync("#save-server");
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("Saved");
        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.Server.MaxHeaderBytes == 64 * 1024
            && fixture.Server.Snapshot.Current.Server.MaxHeaderLineLength == 4 * 1024);
        await page.Context.CloseAsync();
    }
}
