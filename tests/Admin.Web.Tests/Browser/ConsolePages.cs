using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Steps many tests share: sign in, open a page once the circuit is interactive, screenshot.</summary>
public static class ConsolePages
{
    public static async Task SignInAsync(IPage page, string baseUrl, string password)
    {
        await SubmitLoginAsync(page, baseUrl, password);
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);
    }

    /// <summary>Fills and posts the login form; returns once the answer page has loaded.</summary>
    public static async Task SubmitLoginAsync(IPage page, string baseUrl, string password)
    {
        await page.GotoAsync(baseUrl.TrimEnd('/') + "/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", password);
        var before = page.Url;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await page.ClickAsync("#login-button");
        // The answer waits for the password hash at its production cost: seconds on a busy two-core machine.
        await page.WaitForURLAsync(u => u != before, new() { Timeout = 30_000, WaitUntil = WaitUntilState.Commit });
        var answered = watch.Elapsed;
        await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 60_000 });
        // Kept with the screenshots, one line per sign-in: the first sign-in on a fresh server once took 30 s in a full run.
        File.AppendAllText(Path.Combine(ConsoleFixture.ArtifactsDir, "sign-in-times.txt"),
            $"{DateTime.UtcNow:HH:mm:ss} answer {answered.TotalMilliseconds:F0} ms, {page.Url} loaded {watch.Elapsed.TotalMilliseconds:F0} ms\n");
    }

    /// <summary>Navigates and waits until Blazor's circuit is connected, so clicks reach the server.</summary>
    public static async Task OpenAsync(IPage page, string baseUrl, string path, string readySelector)
    {
        await page.GotoAsync(baseUrl.TrimEnd('/') + path);
        await page.WaitForSelectorAsync(readySelector);
        await WaitInteractiveAsync(page);
    }

    // The interactive render adds this attribute once the circuit is up (see MainLayout).
    public static Task WaitInteractiveAsync(IPage page) => page.WaitForSelectorAsync("[data-interactive='true']", new() { State = WaitForSelectorState.Attached });

    /// <summary>Picks an option of a MudSelect (not a native select): open its menu by the input id, click the option with that exact text.</summary>
    public static async Task SelectAsync(IPage page, string inputSelector, string optionText)
    {
        // The input itself may be hidden (MudSelect then renders the value as text): click the select around it.
        await page.Locator(".mud-select").Filter(new() { Has = page.Locator(inputSelector) }).Locator(".mud-input-control-input-container").First.ClickAsync();
        var options = page.Locator(".mud-popover-open .mud-list-item");
        await options.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^\\s*" + System.Text.RegularExpressions.Regex.Escape(optionText) + "\\s*$") }).First.ClickAsync();
        await Assertions.Expect(options).ToHaveCountAsync(0);
    }

    /// <summary>The open MudDialog confirmation (one at a time).</summary>
    public static ILocator Dialog(IPage page) => page.Locator(".mud-dialog");

    /// <summary>Answers the open confirmation dialog with the button of that name (e.g. "Delete" or "Cancel").</summary>
    public static async Task AnswerDialogAsync(IPage page, string button)
    {
        await Dialog(page).GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Assertions.Expect(Dialog(page)).ToHaveCountAsync(0);
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleFixture.ArtifactsDir, name + ".png"), FullPage = true });

    /// <summary>Waits for a saved change to reach the engine's snapshot: the target is within 1 second of the commit.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, double seconds = 1)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"not applied within {seconds} s");
            await Task.Delay(20);
        }
    }
}
