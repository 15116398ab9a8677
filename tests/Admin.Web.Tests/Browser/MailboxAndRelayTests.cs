using MailHost.Server.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

public sealed class MailboxAndRelayTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;

    [Fact]
    public async Task Mailboxes_AddDomainAccountAlias_InSnapshotAndRefusesForeignDomain()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/mailboxes", "#domains-grid");
        await page.FillAsync("#d-name", "example.com");
        await page.ClickAsync("#add-domain");
        await Assertions.Expect(page.Locator("#domains-grid")).ToContainTextAsync("example.com");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Accounts" }).ClickAsync();
        await page.ClickAsync("#add-account");
        await page.FillAsync("#a-address", "someone@elsewhere.org");
        await page.FillAsync("#a-password", "a-long-password");
        await page.ClickAsync("#save-account");
        await Assertions.Expect(page.Locator("#account-form .mh-field-error")).ToContainTextAsync("not a local domain");

        await page.FillAsync("#a-address", "alice@example.com");
        await page.FillAsync("#a-quota", "500");
        await page.UncheckAsync("#a-pop3");
        await page.ClickAsync("#save-account");
        await Assertions.Expect(page.Locator("#accounts-grid")).ToContainTextAsync("alice@example.com");
        await ConsolePages.ScreenshotAsync(page, "accounts");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Aliases" }).ClickAsync();
        await page.FillAsync("#al-address", "postmaster@example.com");
        await page.FillAsync("#al-targets", "alice@example.com");
        await page.ClickAsync("#save-alias");
        await Assertions.Expect(page.Locator("#aliases-grid")).ToContainTextAsync("postmaster@example.com");

        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.Aliases.ContainsKey("postmaster@example.com"));
        var snapshot = fixture.Server.Snapshot.Current;
        Assert.True(snapshot.IsLocalDomain("example.com"));
        var account = snapshot.Accounts["alice@example.com"];
        Assert.Equal(500L * 1048576, account.QuotaBytes);
        Assert.False(account.AllowPop3);
        Assert.True(Server.Auth.PasswordHasher.Verify("a-long-password", account.PasswordHash));
        Assert.Equal(["alice@example.com"], snapshot.Aliases["postmaster@example.com"].ToArray());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Relay_AddTwoRulesAndMoveDown_SnapshotOrderFollows()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/relay", "#rules-grid");
        foreach (var (name, domain) in new[] { ("first", "a.example"), ("second", "b.example") })
        {
            await page.ClickAsync("#add-rule");
            await page.FillAsync("#rr-name", name);
            await page.FillAsync("#rr-recipient", domain);
            await ConsolePages.SelectAsync(page, "#rr-action", "route via smarthost");
            await page.FillAsync("#rr-host", "smarthost.example");
            await page.ClickAsync("#save-rule");
            await Assertions.Expect(page.Locator($"#rules-grid [data-rule='{name}']")).ToBeVisibleAsync();
        }
        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.RelayRules.Select(r => r.Name).SequenceEqual(["first", "second"]));

        await page.Locator("#rules-grid tr:has([data-rule='first'])").GetByTitle("Move down").ClickAsync();
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("Order saved");
        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.RelayRules.Select(r => r.Name).SequenceEqual(["second", "first"]));
        await ConsolePages.ScreenshotAsync(page, "relay");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Queue_ListsSpooledMessage_HoldThenDelete()
    {
        var spool = fixture.Server.Services.GetRequiredService<MessageSpool>();
        var id = MessageSpool.NewId();
        var (path, stream) = spool.CreateContentFile(id);
        await using (stream)
        {
            await stream.WriteAsync("Subject: queued\r\n\r\nbody\r\n"u8.ToArray());
        }
        await spool.EnqueueAsync(new QueuedMessage
        {
            Id = id,
            CreatedUtc = DateTime.UtcNow,
            Sender = "queued-sender@example.org",
            Size = 26,
            Recipients = [new QueuedRecipient { Address = "far@example.net", Attempts = 2, LastResult = "451 greylisted", NextAttemptUtc = DateTime.UtcNow.AddMinutes(5) }],
        }, path, CancellationToken.None);

        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/queue", "#queue-grid");
        var row = page.Locator($"#queue-grid tr:has([data-queue-id='{id}'])");
        await Assertions.Expect(row).ToContainTextAsync("451 greylisted");
        await row.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await Assertions.Expect(page.Locator("#queue-details")).ToContainTextAsync("Subject: queued");
        await Assertions.Expect(page.Locator("#queue-details")).ToContainTextAsync("far@example.net");
        await row.GetByRole(AriaRole.Button, new() { Name = "Hold" }).ClickAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Release" })).ToBeVisibleAsync();
        Assert.True((await spool.ReadAsync(id, CancellationToken.None))!.Held);
        await ConsolePages.ScreenshotAsync(page, "queue");

        // Held is a visible state, not only a button label.
        await Assertions.Expect(row.Locator("[data-state='held']")).ToBeVisibleAsync();

        // Delete asks first: Cancel keeps the message, Delete in the dialog removes it.
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(ConsolePages.Dialog(page)).ToContainTextAsync(id);
        await ConsolePages.AnswerDialogAsync(page, "Cancel");
        await Assertions.Expect(row).ToBeVisibleAsync();
        Assert.Contains(id, spool.ListIds());
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await ConsolePages.AnswerDialogAsync(page, "Delete");
        await Assertions.Expect(page.Locator("#queue-grid")).Not.ToContainTextAsync(id);
        Assert.DoesNotContain(id, spool.ListIds());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Listeners_ConcurrentEdit_ShowsConflictWithCurrentValues()
    {
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/listeners", "#listeners-grid");
        await page.Locator("#listeners-grid tr:has([data-listener='pop3'])").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        await page.FillAsync("#l-max", "77");

        // Someone else (the CLI, another admin) saves the same listener meanwhile.
        await fixture.Server.Settings.UpdateAsync("cli", "edit listener", (data, _) => data.Listeners.Single(l => l.Name == "pop3").MaxConnections = 55, CancellationToken.None);

        await page.ClickAsync("#save-listener");
        await Assertions.Expect(page.Locator(".mh-failure")).ToContainTextAsync("changed by someone else");
        await Assertions.Expect(page.Locator("#l-max")).ToHaveValueAsync("55");
        Assert.Equal(55, fixture.Server.Snapshot.Current.Listeners.Single(l => l.Name == "pop3").MaxConnections);
        await ConsolePages.ScreenshotAsync(page, "listeners-conflict");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Server_EditBannerAndLiftBan_AppliedAndBanGone()
    {
        await using (var db = new MailHost.Shared.Data.MailHostDbContext(MailHost.Shared.Data.MailHostDatabase.Options(fixture.Server.DataDir)))
        {
            db.IpBans.Add(new MailHost.Shared.Entities.IpBan { Address = "192.0.2.66", BannedUtc = DateTime.UtcNow, UntilUtc = DateTime.UtcNow.AddHours(1), Reason = "test ban" });
            await db.SaveChangesAsync();
        }
        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/server", "#server-form");
        await page.FillAsync("#s-banner", "console banner ESMTP");
        await page.FillAsync("#s-retry", "5,x");
        await page.ClickAsync("#save-server");
        await Assertions.Expect(page.Locator("#server-form .mh-field-error")).ToContainTextAsync("positive minutes");
        await page.FillAsync("#s-retry", "5,10,20");
        await page.ClickAsync("#save-server");
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("Saved");
        await ConsolePages.EventuallyAsync(() => fixture.Server.Snapshot.Current.Server.Banner == "console banner ESMTP");

        var ban = page.Locator("#bans-grid tr:has([data-ban='192.0.2.66'])");
        await ConsolePages.ScreenshotAsync(page, "server");
        await ban.GetByRole(AriaRole.Button, new() { Name = "Lift" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mh-notice")).ToContainTextAsync("lifted");
        await Assertions.Expect(ban).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
