using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Storage;
using MailHost.Server.Queue;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Imap;

[Collection("mailstore")]
public sealed class ImapSessionsTests(MailServerFixture fixture)
{
    private async Task<LineClient> OpenAsync(string user, string mailbox = "INBOX")
    {
        var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        await c.LoginAsync(user);
        Assert.StartsWith("S OK", (await c.CommandAsync("S", $"SELECT {mailbox}"))[^1]);
        return c;
    }

    private async Task EnqueueLocalAsync(string recipient, string subject)
    {
        var spool = fixture.Spool;
        var id = MessageSpool.NewId();
        var (path, stream) = spool.CreateContentFile(id);
        await using (stream)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes($"From: x@example.org\r\nTo: {recipient}\r\nSubject: {subject}\r\n\r\nhello\r\n");
            await stream.WriteAsync(bytes);
            stream.Flush(true);
        }
        var message = new QueuedMessage
        {
            Id = id,
            CreatedUtc = DateTime.UtcNow,
            Sender = "x@example.org",
            Size = new FileInfo(path).Length,
            Recipients = [new QueuedRecipient { Address = recipient, IsLocal = true }],
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await spool.EnqueueAsync(message, path, cts.Token);
    }

    [Fact]
    public async Task Idle_MessageSpooledForLocalDelivery_PushedWithinOneSecond()
    {
        await using var c = await OpenAsync("carol@example.com");
        await c.SendLineAsync("I IDLE");
        Assert.StartsWith("+", await c.ReadLineAsync());
        var sw = Stopwatch.StartNew();
        await EnqueueLocalAsync("carol@example.com", "idle test");
        var line = await c.ReadLineAsync();
        sw.Stop();
        Assert.Equal("* 1 EXISTS", line);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), $"took {sw.Elapsed}");
        await c.SendLineAsync("DONE");
        Assert.StartsWith("I OK", (await c.UntilTaggedAsync("I"))[^1]);
        var fetch = await c.CommandAsync("F", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        Assert.Contains(fetch, l => l.Contains("Subject: idle test"));
        // Delivered, so the spool no longer holds it.
        var deadline = Stopwatch.StartNew();
        while (fixture.Spool.ListIds().Any() && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }
        Assert.Empty(fixture.Spool.ListIds());
        var activity = fixture.Server.Services.GetRequiredService<MailHost.Server.Logging.ActivityLog>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await activity.FlushAsync(cts.Token);
        var factory = fixture.Server.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cts.Token);
        Assert.True(await db.DeliveryLog.AnyAsync(e => e.Recipient == "carol@example.com" && e.Result == "delivered", cts.Token));
    }

    [Fact]
    public async Task TwoSessions_ExpungeInOne_OtherSeesExpungeAndFlags()
    {
        await fixture.PutAsync("dave@example.com", "INBOX", "Subject: one\r\n\r\n1\r\n");
        await fixture.PutAsync("dave@example.com", "INBOX", "Subject: two\r\n\r\n2\r\n");
        await fixture.PutAsync("dave@example.com", "INBOX", "Subject: three\r\n\r\n3\r\n");
        await using var a = await OpenAsync("dave@example.com");
        await using var b = await OpenAsync("dave@example.com");
        Assert.StartsWith("s OK", (await a.CommandAsync("s", "STORE 2 +FLAGS.SILENT (\\Deleted)"))[^1]);
        var bFlags = await b.CommandAsync("n", "NOOP");
        Assert.Contains(bFlags, l => l.StartsWith("* 2 FETCH", StringComparison.Ordinal) && l.Contains("\\Deleted"));
        var expunge = await a.CommandAsync("e", "EXPUNGE");
        Assert.Equal(["* 2 EXPUNGE", "e OK EXPUNGE completed"], expunge);
        await b.SendLineAsync("I IDLE");
        var beforeIdle = new List<string>();
        string? line;
        while ((line = await b.ReadLineAsync()) is not null && !line.StartsWith('+'))
        {
            beforeIdle.Add(line);
        }
        // Session a's first EXPUNGE reaches b when b next talks to the server: here, before IDLE's "+".
        Assert.Equal(["* 2 EXPUNGE"], beforeIdle);
        await a.CommandAsync("x", "STORE 1 +FLAGS (\\Deleted)");
        await a.CommandAsync("y", "EXPUNGE");
        // Pushed during IDLE: maybe the flag change first, then the expunge.
        var pushed = new List<string>();
        while ((line = await b.ReadLineAsync()) is not null)
        {
            pushed.Add(line);
            if (line.EndsWith("EXPUNGE", StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.Equal("* 1 EXPUNGE", pushed[^1]);
        await b.SendLineAsync("DONE");
        await b.UntilTaggedAsync("I");
        var search = await b.CommandAsync("z", "SEARCH ALL");
        Assert.Equal("* SEARCH 1", search[0]);
    }

    [Fact]
    public async Task CopyMove_UidPlusCodes_AndMessagesArrive()
    {
        await fixture.PutAsync("erin@example.com", "INBOX", "Subject: a\r\n\r\na\r\n");
        await fixture.PutAsync("erin@example.com", "INBOX", "Subject: b\r\n\r\nb\r\n");
        await using var c = await OpenAsync("erin@example.com");
        var copy = await c.CommandAsync("c", "UID COPY 1:* Archive");
        Assert.Matches(@"^c OK \[COPYUID \d+ 1:2 1:2\]", copy[^1]);
        var move = await c.CommandAsync("m", "MOVE 1 Trash");
        Assert.Matches(@"^\* OK \[COPYUID \d+ 1 1\]", move[0]);
        Assert.Equal("* 1 EXPUNGE", move[1]);
        Assert.StartsWith("m OK", move[^1]);
        var status = await c.CommandAsync("t", "STATUS Archive (MESSAGES)");
        Assert.Equal("* STATUS Archive (MESSAGES 2)", status[0]);
        Assert.StartsWith("x NO [TRYCREATE]", (await c.CommandAsync("x", "COPY 1 Nowhere"))[^1]);
    }

    [Fact]
    public async Task Append_OverQuota_NoOverQuota()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        await c.LoginAsync("small@example.com");
        var body = new string('x', 2000);
        await c.SendLineAsync($"a APPEND INBOX {{{body.Length}+}}");
        await c.SendLineAsync(body);
        Assert.StartsWith("a OK [APPENDUID", (await c.UntilTaggedAsync("a"))[^1]);
        await c.SendLineAsync($"b APPEND INBOX {{{body.Length}}}");
        Assert.StartsWith("+", await c.ReadLineAsync());
        await c.SendLineAsync(body);
        Assert.StartsWith("b NO [OVERQUOTA]", (await c.UntilTaggedAsync("b"))[^1]);
    }
}

[Collection("mailstore")]
public sealed class ImapRev2Tests(MailServerFixture fixture)
{
    [Fact]
    public async Task Rev2_EnableThenSearchAndNonPeekFetch_EsearchAndSeenSet()
    {
        await fixture.PutAsync("frank@example.com", "Junk", "Subject: r2\r\n\r\nx\r\n");
        await using var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        await c.LoginAsync("frank@example.com");
        Assert.Equal("* ENABLED IMAP4rev2", (await c.CommandAsync("e", "ENABLE IMAP4rev2"))[0]);
        var select = await c.CommandAsync("s", "SELECT Junk");
        Assert.DoesNotContain(select, l => l.Contains("RECENT", StringComparison.Ordinal));
        Assert.Contains("* LIST () \"/\" Junk", select);
        Assert.Equal("* ESEARCH (TAG \"a\") ALL 1", (await c.CommandAsync("a", "SEARCH UNSEEN"))[0]);
        Assert.Equal("* ESEARCH (TAG \"b\") UID COUNT 1", (await c.CommandAsync("b", "UID SEARCH RETURN (COUNT) ALL"))[0]);
        var fetch = await c.CommandAsync("f", "FETCH 1 BODY[TEXT]");
        Assert.Contains(fetch, l => l.Contains("FLAGS (\\Seen)", StringComparison.Ordinal));
        Assert.Equal("* ESEARCH (TAG \"g\")", (await c.CommandAsync("g", "SEARCH UNSEEN"))[0]);
        var lsub = await c.CommandAsync("l", "LSUB \"\" *");
        Assert.Contains("* LSUB (\\HasNoChildren) \"/\" Junk", lsub);
        Assert.Contains("* NAMESPACE ((\"\" \"/\")) NIL NIL", await c.CommandAsync("n", "NAMESPACE"));
        var examine = await c.CommandAsync("x", "EXAMINE Junk");
        Assert.StartsWith("x OK [READ-ONLY]", examine[^1]);
        Assert.StartsWith("y NO [READ-ONLY]", (await c.CommandAsync("y", "STORE 1 +FLAGS (\\Flagged)"))[^1]);
        Assert.StartsWith("z OK", (await c.CommandAsync("z", "UNSELECT"))[^1]);
    }
}

[Collection("mailstore")]
public sealed class ImapMailboxNameTests(MailServerFixture fixture)
{
    [Fact]
    public async Task NonAsciiMailbox_Rev1SeesModifiedUtf7_Rev2SeesUtf8()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        await c.LoginAsync("erin@example.com");
        Assert.StartsWith("a OK", (await c.CommandAsync("a", "CREATE Entw&APw-rfe"))[^1]);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" Entw&APw-rfe", await c.CommandAsync("b", "LIST \"\" Entw*"));
        await c.CommandAsync("e", "ENABLE IMAP4rev2");
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" \"Entwürfe\"", await c.CommandAsync("d", "LIST \"\" Entw*"));
        Assert.StartsWith("f OK", (await c.CommandAsync("f", "SELECT Entwürfe"))[^1]);
    }
}
