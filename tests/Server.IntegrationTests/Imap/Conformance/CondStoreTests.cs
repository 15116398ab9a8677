using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>CONDSTORE (RFC 7162 §3.1) with imaplib: HIGHESTMODSEQ, CHANGEDSINCE, UNCHANGEDSINCE/[MODIFIED], SEARCH MODSEQ.</summary>
[Collection("imap-conformance")]
public sealed class CondStoreTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task Imaplib_CondStore_ChangedSinceUnchangedSinceAndSearchModSeq()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", "Subject: a\r\n\r\n1\r\n");
        await fixture.PutAsync(user, "INBOX", "Subject: b\r\n\r\n2\r\n");
        var script = PythonClient.Prelude + """
            import re
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login(sys.argv[2], 'pw')
            print('caps', ' '.join(m.capabilities))
            typ, data = m._simple_command('SELECT', 'INBOX', '(CONDSTORE)')
            m.state = 'SELECTED'  # imaplib tracks state only for its own select()
            high = int(m.untagged_responses['HIGHESTMODSEQ'][0])
            print('high', high)
            typ, data = m.fetch('1:*', '(UID FLAGS)')
            print('fetch', [d.decode() for d in data])
            typ, data = m.store('2', '+FLAGS', '(\\Flagged)')
            print('store', typ, [d.decode() for d in data])
            typ, data = m.fetch('1:*', '(FLAGS) (CHANGEDSINCE %d)' % high)
            print('changed', [d.decode() for d in data])
            typ, data = m._simple_command('STORE', '1:2', '(UNCHANGEDSINCE %d)' % high, '+FLAGS', '(\\Seen)')
            print('unchanged', typ, data)
            typ, data = m.search(None, 'MODSEQ', str(high + 1))
            print('search', typ, [d.decode() for d in data])
            m.logout()
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
        Assert.Matches(@"caps .*\bCONDSTORE\b", output);
        var high = long.Parse(System.Text.RegularExpressions.Regex.Match(output, @"high (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        // FLAGS come with MODSEQ once CONDSTORE is on.
        Assert.Matches(@"fetch \['1 \(UID \d+ FLAGS \(\\\\Recent\) MODSEQ \(\d+\)\)'", output);
        Assert.Matches(@"store OK \['2 \(FLAGS \(\\\\Flagged \\\\Recent\) MODSEQ \(\d+\)\)'\]", output);
        Assert.Matches(@"changed \['2 \(FLAGS \(\\\\Flagged \\\\Recent\) MODSEQ \(\d+\)\)'\]", output);
        // Message 2 changed after "high": not stored, reported as MODIFIED; message 1 stored.
        Assert.Contains("unchanged OK [b'[MODIFIED 2] STORE completed']", output);
        Assert.Matches(@"search OK \['1 2 \(MODSEQ \d+\)'\]", output);
        Assert.True(high > 0);
    }
}
