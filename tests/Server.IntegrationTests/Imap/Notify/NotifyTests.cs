using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Imap.Conformance;

namespace MailHost.Server.IntegrationTests.Imap.Notify;

/// <summary>NOTIFY (RFC 5465) over real sockets: two sessions, events from one pushed to the other without a command.</summary>
[Collection("imap-conformance")]
public sealed class NotifyTests(ConformanceFixture fixture)
{
    private static List<string> Of(List<(string Step, List<string> Lines)> steps, string step) => steps.Single(s => s.Step == step).Lines;

    [Fact]
    public async Task Notify_TwoSessions_StatusFetchListAndExpungePushedBetweenCommands()
    {
        var user = fixture.NewAccount();
        var steps = await NotifyScript.RunAsync(() => fixture.OpenAsync(user));

        // §3.1: STATUS for every watched mailbox before the tagged OK (none is selected yet).
        var set = Of(steps, "notify set");
        Assert.Contains(set, l => Regex.IsMatch(l, @"^\* STATUS INBOX \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+ UNSEEN 0\)$"));
        Assert.Contains(set, l => Regex.IsMatch(l, @"^\* STATUS Lists \(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \d+ UNSEEN 0\)$"));
        Assert.StartsWith("n OK", set[^1]);

        // §5.2: EXISTS, then FETCH with the fetch-atts, in the selected mailbox.
        // (§5.2: a RECENT may come too, this being an IMAP4rev1 session.)
        var appended = Of(steps, "append inbox").Where(l => l != "* 1 RECENT").ToList();
        Assert.Equal("* 1 EXISTS", appended[0]);
        Assert.Equal("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject)] {18}", appended[1]);
        Assert.Equal("Subject: first", appended[2]);
        Assert.Equal(")", appended[^1]);
        // ...and STATUS for another watched mailbox.
        Assert.Equal(["* STATUS Lists (MESSAGES 1 UIDNEXT 2 UNSEEN 1)"], Of(steps, "append lists"));
        // §5.1: FlagChange in the selected mailbox is a FETCH with UID and FLAGS.
        Assert.Matches(@"^\* 1 FETCH \(UID 1 FLAGS \((\\Recent )?\\Flagged( \\Recent)?\)\)$", Assert.Single(Of(steps, "flag inbox")));
        // §5.4, §5.5: LIST for names created, renamed (OLDNAME), (un)subscribed and deleted.
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" New"], Of(steps, "create"));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" Newer (\"OLDNAME\" (New))"], Of(steps, "rename"));
        Assert.Equal(["* LIST (\\Subscribed \\HasNoChildren) \"/\" Newer"], Of(steps, "subscribe"));
        Assert.Equal(["* LIST (\\HasNoChildren) \"/\" Newer"], Of(steps, "unsubscribe"));
        Assert.Equal(["* LIST (\\NonExistent) \"/\" Newer"], Of(steps, "delete"));
        Assert.Matches(@"^\* 1 FETCH \(UID 1 FLAGS \(.*\\Deleted.*\)\)$", Assert.Single(Of(steps, "flag deleted")));
        // §5.3: EXPUNGE pushed for SELECTED (not delayed).
        Assert.Equal(["* 1 EXPUNGE"], Of(steps, "expunge inbox"));
        // ...once: nothing repeated later.
        Assert.Empty(Of(steps, "settle"));
        // §5: the client's own CREATE is not announced to it.
        Assert.DoesNotContain(Of(steps, "own create"), l => l.StartsWith("* LIST", StringComparison.Ordinal));
        // NOTIFY NONE: nothing more.
        Assert.Empty(Of(steps, "append after none"));
    }

    [Fact]
    public async Task Notify_InvalidOrUnsupportedEvents_BadOrNoBadEvent()
    {
        var user = fixture.NewAccount();
        await using (var anonymous = await Infrastructure.LineClient.ConnectAsync(fixture.Port("imaps")))
        {
            await anonymous.UpgradeToTlsAsync();
            await anonymous.ReadLineAsync();
            Assert.StartsWith("p BAD", (await anonymous.CommandAsync("p", "NOTIFY NONE"))[^1]);
        }
        await using var c = await fixture.OpenAsync(user);
        Assert.Contains(await c.CommandAsync("cap", "CAPABILITY"), l => l.StartsWith("* CAPABILITY", StringComparison.Ordinal) && l.Split(' ').Contains("NOTIFY"));
        string[] bad =
        [
            "NOTIFY SET (selected (MessageNew))", // §5: MessageNew needs MessageExpunge
            "NOTIFY SET (selected (FlagChange))", // §5: FlagChange needs both
            "NOTIFY SET (personal (AnnotationChange))",
            "NOTIFY SET (personal (MessageNew (UID) MessageExpunge))", // §8: fetch-atts only for SELECTED
            "NOTIFY SET (selected (MailboxName))", // §6.1: only message events
            "NOTIFY SET (selected (MessageNew MessageExpunge)) (selected-delayed (MessageNew MessageExpunge))",
            "NOTIFY SET (selected (MessageNew (BODY[]) MessageExpunge))", // would set \Seen
            "NOTIFY SET (nowhere (MessageNew MessageExpunge))",
            "NOTIFY SET",
            "NOTIFY BOGUS",
        ];
        foreach (var command in bad)
        {
            Assert.True((await c.CommandAsync("b", command))[^1].StartsWith("b BAD", StringComparison.Ordinal), command);
        }
        string[] badEvent =
        [
            "NOTIFY SET (personal (MessageNew MessageExpunge AnnotationChange))",
            "NOTIFY SET (personal (MailboxMetadataChange))", // needs METADATA, which MailHost lacks
            "NOTIFY SET (personal (ServerMetadataChange))",
            "NOTIFY SET (personal (SomethingNew))",
        ];
        foreach (var command in badEvent)
        {
            Assert.Equal("e NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] Unsupported NOTIFY event", (await c.CommandAsync("e", command))[^1]);
        }
        Assert.Equal(["k OK NOTIFY completed"], await c.CommandAsync("k", "NOTIFY SET (subtree (Nothing/Here) (MessageNew MessageExpunge)) (mailboxes \"No such\" NONE)"));
    }

    [Fact]
    public async Task Notify_SelectedDelayed_ExpungeWaitsForNoop_IdleGetsEveryEvent()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", "Subject: one\r\n\r\n1\r\n");
        await fixture.PutAsync(user, "INBOX", "Subject: two\r\n\r\n2\r\n");
        await using var ca = await fixture.OpenAsync(user);
        await using var b = await fixture.OpenAsync(user);
        var a = new NotifyScript.Listener(ca);
        await b.CommandAsync("c", "CREATE Other");
        await a.CommandAsync("s", "SELECT INBOX");
        Assert.StartsWith("n OK", (await a.CommandAsync("n", "NOTIFY SET (selected-delayed (MessageNew MessageExpunge)) (mailboxes Other (MessageNew MessageExpunge))"))[^1]);
        await b.CommandAsync("bs", "SELECT INBOX");
        await b.CommandAsync("bd", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("bx", "EXPUNGE");
        // §6.1.2: no EXPUNGE between commands...
        Assert.Empty(await a.QuietAsync(TimeSpan.FromMilliseconds(1500)));
        // ...but in the next command that allows one.
        Assert.Equal(["* 1 EXPUNGE", "o OK NOOP completed"], await a.CommandAsync("o", "NOOP"));

        // §4: during IDLE, the NOTIFY events: STATUS for Other, and the expunge at once (IDLE allows it).
        await ca.SendLineAsync("i IDLE");
        Assert.StartsWith("+", await a.NextAsync());
        await b.CommandAsync("ba", NotifyScript.Append("Other", "Subject: other\r\n\r\nx\r\n"));
        Assert.Equal("* STATUS Other (MESSAGES 1 UIDNEXT 2 UNSEEN 1)", await a.NextAsync());
        await b.CommandAsync("bd2", "UID STORE 2 +FLAGS.SILENT (\\Deleted)");
        await b.CommandAsync("bx2", "EXPUNGE");
        Assert.Equal("* 1 EXPUNGE", await a.NextAsync());
        await ca.SendLineAsync("DONE");
        Assert.Equal("i OK IDLE terminated", await a.NextAsync());
    }
}
