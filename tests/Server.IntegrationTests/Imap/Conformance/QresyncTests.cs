using System.Text.RegularExpressions;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>QRESYNC (RFC 7162 §3.2): raw transcripts and Node's imapflow, which resynchronises with it.</summary>
[Collection("imap-conformance")]
public sealed partial class QresyncTests(ConformanceFixture fixture)
{
    private static long Code(List<string> lines, string name) =>
        long.Parse(lines.Select(l => Regex.Match(l, @"\[" + name + @" (\d+)\]")).First(m => m.Success).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Transcript_EnableSelectVanishedAndChangedSince()
    {
        var user = fixture.NewAccount();
        for (var i = 1; i <= 5; i++)
        {
            await fixture.PutAsync(user, "INBOX", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }
        await using var a = await fixture.OpenAsync(user);
        // §3.2.5: QRESYNC in SELECT before ENABLE QRESYNC is BAD.
        Assert.StartsWith("s0 BAD", (await a.CommandAsync("s0", "SELECT INBOX (QRESYNC (1 1))"))[^1]);
        Assert.Contains("* ENABLED QRESYNC", await a.CommandAsync("e", "ENABLE QRESYNC"));
        var select = await a.CommandAsync("s1", "SELECT INBOX");
        var uidValidity = Code(select, "UIDVALIDITY");
        var high = Code(select, "HIGHESTMODSEQ");

        await using var b = await fixture.OpenAsync(user);
        await b.CommandAsync("s", "SELECT INBOX");
        await b.CommandAsync("f", "UID STORE 2 +FLAGS (\\Flagged)");
        await b.CommandAsync("d", "UID STORE 3:4 +FLAGS (\\Deleted)");
        // A session without QRESYNC still gets EXPUNGE.
        Assert.Contains("* 3 EXPUNGE", await b.CommandAsync("x", "UID EXPUNGE 3"));

        // §3.2.10: once enabled, VANISHED (with UIDs) instead of EXPUNGE; flag changes carry MODSEQ.
        var noop = await a.CommandAsync("n", "NOOP");
        Assert.Contains("* VANISHED 3", noop);
        Assert.DoesNotContain(noop, l => l.EndsWith("EXPUNGE", StringComparison.Ordinal));
        Assert.Contains(noop, l => Regex.IsMatch(l, @"^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged( \\Recent)?\) MODSEQ \(\d+\)\)$"));

        // §3.2.6: UID FETCH (CHANGEDSINCE n VANISHED): VANISHED (EARLIER) first, then the changed messages only.
        var fetch = await a.CommandAsync("f", $"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {high} VANISHED)");
        Assert.Equal("* VANISHED (EARLIER) 3", fetch[0]);
        Assert.Equal(2, fetch.Count(l => l.Contains(" FETCH (", StringComparison.Ordinal)));
        Assert.Contains(fetch, l => l.StartsWith("* 2 FETCH (UID 2 FLAGS (\\Flagged", StringComparison.Ordinal));
        Assert.Contains(fetch, l => l.StartsWith("* 3 FETCH (UID 4 FLAGS (\\Deleted", StringComparison.Ordinal));
        Assert.StartsWith("f OK", fetch[^1]);
        // Only the UIDs asked about.
        Assert.DoesNotContain("* VANISHED (EARLIER) 3", await a.CommandAsync("g", $"UID FETCH 4:5 (FLAGS) (CHANGEDSINCE {high} VANISHED)"));
        Assert.StartsWith("v1 BAD", (await a.CommandAsync("v1", "UID FETCH 1:* (FLAGS) (VANISHED)"))[^1]);
        Assert.StartsWith("v2 BAD", (await a.CommandAsync("v2", $"FETCH 1:* (FLAGS) (CHANGEDSINCE {high} VANISHED)"))[^1]);

        var beforeExpunge = Code(await b.CommandAsync("s2", "SELECT INBOX"), "HIGHESTMODSEQ");
        await b.CommandAsync("x2", "UID EXPUNGE 4");
        // An expunge is a change: HIGHESTMODSEQ goes up.
        var afterExpunge = Code(await b.CommandAsync("s3", "EXAMINE INBOX"), "HIGHESTMODSEQ");
        Assert.True(afterExpunge > beforeExpunge, $"{afterExpunge} > {beforeExpunge}");

        // §3.2.5: SELECT (QRESYNC (uidvalidity modseq known-uids)) while selected: CLOSED, then VANISHED (EARLIER), then FETCH of what changed.
        var resync = await a.CommandAsync("r", $"SELECT INBOX (QRESYNC ({uidValidity} {high} 1:5))");
        Assert.Contains("* OK [CLOSED] Previous mailbox closed", resync);
        Assert.Contains("* VANISHED (EARLIER) 3:4", resync);
        Assert.Contains(resync, l => Regex.IsMatch(l, @"^\* 2 FETCH \(UID 2 FLAGS \(\\Flagged( \\Recent)?\) MODSEQ \(\d+\)\)$"));
        Assert.Equal(1, resync.Count(l => l.Contains(" FETCH (", StringComparison.Ordinal)));
        Assert.StartsWith("r OK [READ-WRITE]", resync[^1]);
        // Without known UIDs the expunge log answers; with seq-match data too.
        Assert.Contains("* VANISHED (EARLIER) 3:4", await a.CommandAsync("r2", $"EXAMINE INBOX (QRESYNC ({uidValidity} {high}))"));
        Assert.Contains("* VANISHED (EARLIER) 3:4", await a.CommandAsync("r3", $"EXAMINE INBOX (QRESYNC ({uidValidity} {high} 1:5 (1:3 1,2,5)))"));
        // Expunged before the client's mod-sequence: not reported again.
        Assert.DoesNotContain(await a.CommandAsync("r4", $"EXAMINE INBOX (QRESYNC ({uidValidity} {afterExpunge} 1:5))"), l => l.StartsWith("* VANISHED", StringComparison.Ordinal));
        // Another UIDVALIDITY: the client must start over, nothing is reported.
        var other = await a.CommandAsync("r5", $"EXAMINE INBOX (QRESYNC ({uidValidity + 1} {high} 1:5))");
        Assert.DoesNotContain(other, l => l.StartsWith("* VANISHED", StringComparison.Ordinal) || l.Contains(" FETCH (", StringComparison.Ordinal));
        Assert.StartsWith("r6 BAD", (await a.CommandAsync("r6", $"EXAMINE INBOX (QRESYNC ({uidValidity} 0))"))[^1]);
    }

    [Fact]
    public async Task Imapflow_QresyncResyncAfterChangesByAnotherClient()
    {
        var user = fixture.NewAccount();
        for (var i = 1; i <= 4; i++)
        {
            await fixture.PutAsync(user, "INBOX", $"Subject: m{i}\r\n\r\nbody {i}\r\n");
        }
        var script = """
            const { ImapFlow } = require('imapflow');
            const [port, user] = process.argv.slice(2);
            const options = (qresync) => ({ host: '127.0.0.1', port: +port, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: 'pw' }, logger: false, qresync });
            (async () => {
              const c = new ImapFlow(options(true));
              await c.connect();
              console.log('enabled', [...c.enabled].sort().join(' '));
              // imapflow turns on COMPRESS=DEFLATE whenever it is offered: the whole session below runs compressed.
              console.log('compress', !!c._deflate);
              let box = await c.mailboxOpen('INBOX');
              const uidValidity = box.uidValidity, modseq = box.highestModseq;
              console.log('open', box.exists, typeof modseq);
              await c.mailboxClose();

              const d = new ImapFlow(options(false));
              await d.connect();
              await d.mailboxOpen('INBOX');
              await d.messageFlagsAdd('2', ['\\Flagged'], { uid: true });
              await d.messageDelete('3', { uid: true });

              c.on('expunge', e => console.log('expunge', e.uid, e.vanished ? 'vanished' : '', e.earlier ? 'earlier' : 'now'));
              c.on('flags', f => console.log('flags', f.uid, [...f.flags].join(',')));
              box = await c.mailboxOpen('INBOX', { uidValidity, changedSince: modseq });
              console.log('reopen', box.exists, box.qresync ? 'qresync' : 'full');

              await d.messageDelete('4', { uid: true });
              await d.logout();
              await c.noop();
              for await (const m of c.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: modseq })) {
                console.log('changed', m.uid, [...m.flags].join(','));
              }
              await c.logout();
            })().catch(e => { console.error(e); process.exit(1); });
            """;
        var output = await NodeClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
        Assert.Contains("QRESYNC", output);
        Assert.Contains("open 4 bigint", output);
        Assert.Contains("compress true", output);
        // The reopen with the old UIDVALIDITY/HIGHESTMODSEQ reports uid 3 as VANISHED (EARLIER) and uid 2's new flag.
        Assert.Contains("expunge 3 vanished earlier", output);
        Assert.Contains("flags 2 \\Flagged", output);
        Assert.Contains("reopen 3 qresync", output);
        // Expunged while selected: a plain VANISHED.
        Assert.Contains("expunge 4 vanished now", output);
        Assert.Contains("changed 2 \\Flagged", output);
        Assert.DoesNotContain("changed 1", output);
    }
}
