using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>.NET 10's own blazor.web.js is served, and the reconnect dialog follows its state events.</summary>
public sealed class ReconnectModalTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task SignedInPage_Net10Script_ReconnectDialogFollowsStateEvents()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.WaitInteractiveAsync(page);
        // resumeCircuit exists from .NET 10 on; the .NET 9 script had no such function.
        Assert.Equal("function", await page.EvaluateAsync<string>("typeof Blazor.resumeCircuit"));

        var dialog = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(dialog).Not.ToBeVisibleAsync();
        await Raise(page, "{ state: 'show' }");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByText("Rejoining the server")).ToBeVisibleAsync();
        await Raise(page, "{ state: 'retrying', secondsToNextAttempt: 7 }");
        await Assertions.Expect(dialog.GetByText("trying again in 7 seconds")).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByText("Rejoining the server")).Not.ToBeVisibleAsync();
        await Raise(page, "{ state: 'failed' }");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeVisibleAsync();
        await Raise(page, "{ state: 'hide' }");
        await Assertions.Expect(dialog).Not.ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    // What blazor.web.js dispatches on the dialog when the circuit's connection changes.
    private static Task Raise(IPage page, string detail) =>
        page.EvaluateAsync($"document.getElementById('components-reconnect-modal').dispatchEvent(new CustomEvent('components-reconnect-state-changed', {{ detail: {detail} }}))");
}
