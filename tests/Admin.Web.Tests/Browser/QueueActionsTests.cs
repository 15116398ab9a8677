using MailHost.Server.Queue;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace MailHost.Admin.Web.Tests.Browser;

/// <summary>Issue 14 defect 6: queue states, filters, bulk actions behind a confirmation, every action in the audit log (console and CLI).</summary>
public sealed class QueueActionsTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private string Url => fixture.Server.ConsoleUrl;
    private MessageSpool Spool => fixture.Server.Services.GetRequiredService<MessageSpool>();

    [Fact]
    public async Task Queue_FilterByStateAndDomain_BulkActionsConfirmAndAreAudited()
    {
        var deferredHere = await EnqueueAsync("a@example.net", attempts: 2, held: false);
        var deferredThere = await EnqueueAsync("b@other.test", attempts: 3, held: false);
        var held = await EnqueueAsync("c@example.net", attempts: 0, held: true);

        var page = await fixture.SignedInPageAsync();
        await ConsolePages.OpenAsync(page, Url, "/queue", "#queue-grid");
        await Assertions.Expect(Row(page, held).Locator("[data-state='held']")).ToBeVisibleAsync();
        await Assertions.Expect(Row(page, deferredHere).Locator("[data-state='deferred']")).ToBeVisibleAsync();

        // Filter: deferred mail to example.net is one message.
        await ConsolePages.SelectAsync(page, "#q-state", "deferred");
        await page.FillAsync("#q-domain", "example.net");
        await Assertions.Expect(Row(page, deferredHere)).ToBeVisibleAsync();
        await Assertions.Expect(Row(page, deferredThere)).ToHaveCountAsync(0);
        await Assertions.Expect(Row(page, held)).ToHaveCountAsync(0);

        // Delete deferred asks first; Cancel deletes nothing, Delete deletes only the filtered one.
        await page.ClickAsync("#q-delete-deferred");
        await Assertions.Expect(ConsolePages.Dialog(page)).ToContainTextAsync("Delete 1 deferred message");
        await ConsolePages.AnswerDialogAsync(page, "Cancel");
        Assert.Contains(deferredHere, Spool.ListIds());
        await page.ClickAsync("#q-delete-deferred");
        await ConsolePages.AnswerDialogAsync(page, "Delete");
        await Assertions.Expect(page.Locator("#queue-message")).ToContainTextAsync("Deleted 1 deferred message");
        Assert.DoesNotContain(deferredHere, Spool.ListIds());
        Assert.Contains(deferredThere, Spool.ListIds());
        Assert.Contains(held, Spool.ListIds());

        // Flush (no filter on domain now) leaves the held message held.
        await page.FillAsync("#q-domain", "");
        await ConsolePages.SelectAsync(page, "#q-state", "(any)");
        await page.ClickAsync("#q-flush");
        await Assertions.Expect(page.Locator("#queue-message")).ToContainTextAsync("Flushed");
        Assert.True((await Spool.ReadAsync(held, CancellationToken.None))!.Held);

        // Retry all releases it, after a confirmation.
        await page.ClickAsync("#q-retry-all");
        await ConsolePages.AnswerDialogAsync(page, "Retry all");
        await ConsolePages.EventuallyAsync(() => Spool.ReadAsync(held, CancellationToken.None).GetAwaiter().GetResult() is not { Held: true }, 5);
        await page.Context.CloseAsync();

        var audit = await AuditAsync();
        Assert.Contains(audit, e => e.Action == "queue delete deferred" && e.Actor == "console:admin" && e.NewValue.Contains(deferredHere, StringComparison.Ordinal) && !e.NewValue.Contains(deferredThere, StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "queue flush" && e.NewValue.Contains(deferredThere, StringComparison.Ordinal) && !e.NewValue.Contains(held, StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "queue retry all" && e.NewValue.Contains(held, StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueueCli_DeleteDeferredByDomain_AndHoldAreAudited()
    {
        var keep = await EnqueueAsync("k@keep.test", attempts: 1, held: false);
        var gone = await EnqueueAsync("g@gone.test", attempts: 1, held: false);
        var (code, output) = await CliAsync("queue", "list", "--domain", "gone.test");
        Assert.True(code == 0, output);
        Assert.Contains(gone, output);
        Assert.DoesNotContain(keep, output);
        Assert.Contains("MB", output); // sizes in MB, as on the page

        (code, output) = await CliAsync("queue", "delete-deferred", "--domain", "gone.test");
        Assert.True(code == 0, output);
        Assert.Contains("1 deferred message(s) deleted", output);
        Assert.DoesNotContain(gone, Spool.ListIds());
        Assert.Contains(keep, Spool.ListIds());

        (code, output) = await CliAsync("queue", "hold", keep);
        Assert.True(code == 0, output);
        (code, output) = await CliAsync("queue", "list", "--state", "nonsense");
        Assert.Equal(2, code);

        var audit = await AuditAsync();
        Assert.Contains(audit, e => e.Actor == "cli" && e.Action == "queue delete deferred" && e.NewValue == gone);
        Assert.Contains(audit, e => e.Actor == "cli" && e.Action == "queue hold" && e.NewValue == keep);
    }

    private static ILocator Row(IPage page, string id) => page.Locator($"#queue-grid tr:has([data-queue-id='{id}'])");

    private async Task<List<MailHost.Shared.Entities.AdminAuditEntry>> AuditAsync()
    {
        await using var db = await fixture.Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync();
        return await db.AuditLog.AsNoTracking().Where(e => e.Entity == "Queue").ToListAsync();
    }

    private async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await MailHost.Server.Cli.CliApp.RunAsync([.. args, $"--MailHost:DataDir={fixture.Server.DataDir}"], TextReader.Null, output, output);
        return (code, output.ToString());
    }

    // Not due for an hour, so the delivery workers leave it alone while the test looks at it.
    private async Task<string> EnqueueAsync(string recipient, int attempts, bool held)
    {
        var id = MessageSpool.NewId();
        var (path, stream) = Spool.CreateContentFile(id);
        await using (stream)
        {
            await stream.WriteAsync("Subject: queued\r\n\r\nbody\r\n"u8.ToArray());
        }
        await Spool.EnqueueAsync(new QueuedMessage
        {
            Id = id,
            CreatedUtc = DateTime.UtcNow.AddMinutes(-10),
            Sender = "queue-test@example.org",
            Size = 26,
            Held = held,
            Recipients = [new QueuedRecipient { Address = recipient, Attempts = attempts, LastResult = attempts > 0 ? "451 try later" : "", NextAttemptUtc = DateTime.UtcNow.AddHours(1) }],
        }, path, CancellationToken.None);
        return id;
    }
}
