using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>
/// SORT, ESORT (RFC 5256, RFC 5957, RFC 5267) and THREAD (RFC 5256 §3) with imaplib and raw
/// transcripts. Every expected order below is worked out by hand from the messages' headers.
/// </summary>
[Collection("imap-conformance")]
public sealed class SortThreadTests(ConformanceFixture fixture)
{
    /// <summary>
    /// Four messages whose keys disagree: sent dates in other zones (UTC order differs from local
    /// order), one without Date (its internal date counts), internal dates out of sequence order,
    /// display names that sort differently from local parts, encoded words, a blob and "(fwd)".
    /// A first message is expunged so UIDs are sequence numbers plus one.
    /// </summary>
    private const string Seed = """
        def put(date, text, pad):
            body = ('x' * pad + '\r\n').encode()
            typ, data = m.append('INBOX', None, '"' + date + '"', text.replace('\n', '\r\n').encode() + b'\r\n\r\n' + body)
            assert typ == 'OK', data
        put('01-Mar-2026 00:00:00 +0000', 'Subject: gone', 1)
        put('02-Mar-2026 12:00:00 +0000', 'From: "Aaron" <zed@example.org>\nTo: dave@example.org\nSubject: Re: banana\nDate: Tue, 3 Mar 2026 10:00:00 +0000', 10)
        put('01-Mar-2026 00:00:00 +0000', 'From: alice@example.org\nTo: "Yvonne" <carl@example.org>\nCc: mike@example.org\nSubject: apple\nDate: Sun, 1 Mar 2026 23:00:00 +0500', 2000)
        put('03-Mar-2026 00:00:00 +0000', 'From: "Bob B" <bob@example.org>\nTo: bert@example.org\nSubject: [list] Cherry', 1000)
        put('02-Mar-2026 00:00:00 +0000', 'From: =?utf-8?q?=C3=89mile?= <emile@example.org>\nTo: anna@example.org\nCc: bea@example.org\nSubject: =?utf-8?q?Caf=C3=A9?= (fwd)\nDate: Sun, 1 Mar 2026 20:00:00 -0500', 600)
        m.select('INBOX')
        m.store('1', '+FLAGS', '(\\Deleted)')
        m.expunge()
        def sort(*criteria):
            typ, data = m.sort(*criteria)
            return typ + ' ' + data[0].decode()
        def raw(*args):
            try:
                typ, data = m._simple_command(*args)
                return typ + ' ' + repr(m.untagged_responses.pop('ESEARCH', None)) + ' ' + data[0].decode()
            except imaplib.IMAP4.error as e:
                return str(e)

        """;

    private async Task<string> RunAsync(string user, string body)
    {
        var script = PythonClient.Prelude + """
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login(sys.argv[2], 'pw')
            print('caps', ' '.join(m.capabilities))

            """ + body + """

            m.logout()
            """;
        return await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
    }

    [Fact]
    public async Task Imaplib_Sort_EveryKeyReverseAndSecondaryKeys()
    {
        var output = await RunAsync(fixture.NewAccount(), Seed + """
            for c in ['ARRIVAL', 'REVERSE ARRIVAL', 'DATE', 'REVERSE DATE', 'SUBJECT', 'FROM', 'DISPLAYFROM', 'TO', 'DISPLAYTO', 'CC', 'SIZE', 'CC SUBJECT', 'CC REVERSE SUBJECT']:
                print('sort', c, '=', sort('(' + c + ')', 'UTF-8', 'ALL'))
            print('search', sort('(DATE)', 'UTF-8', 'NOT', 'FROM', 'alice'))
            print('utf8', sort('(SUBJECT)', 'UTF-8', 'SUBJECT', '"Caf\u00e9"'.encode()))
            typ, data = m.uid('SORT', '(SUBJECT)', 'UTF-8', 'ALL')
            print('uid', typ, data[0].decode())
            """);
        Assert.Matches(@"caps .*\bSORT\b", output);
        Assert.Matches(@"caps .*\bSORT=DISPLAY\b", output);
        Assert.Contains("sort ARRIVAL = OK 2 4 1 3", output);
        Assert.Contains("sort REVERSE ARRIVAL = OK 3 1 4 2", output);
        // Sent dates in UTC: 2 (1 Mar 18:00Z), 4 (2 Mar 01:00Z), 3 (no Date: internal 3 Mar 00:00Z), 1 (3 Mar 10:00Z).
        Assert.Contains("sort DATE = OK 2 4 3 1", output);
        Assert.Contains("sort REVERSE DATE = OK 1 3 4 2", output);
        // Base subjects: apple, banana (Re: gone), Café ((fwd) gone, decoded), Cherry ([list] gone).
        Assert.Contains("sort SUBJECT = OK 2 1 4 3", output);
        // addr-mailbox: alice, bob, emile, zed; display: Aaron, alice@example.org, Bob B, Émile.
        Assert.Contains("sort FROM = OK 2 3 4 1", output);
        Assert.Contains("sort DISPLAYFROM = OK 1 2 3 4", output);
        Assert.Contains("sort TO = OK 4 3 2 1", output);
        Assert.Contains("sort DISPLAYTO = OK 4 3 1 2", output);
        // No Cc sorts as "" first, ties by sequence number.
        Assert.Contains("sort CC = OK 1 3 4 2", output);
        Assert.Contains("sort SIZE = OK 1 4 3 2", output);
        Assert.Contains("sort CC SUBJECT = OK 1 3 4 2", output);
        Assert.Contains("sort CC REVERSE SUBJECT = OK 3 1 4 2", output);
        Assert.Contains("search OK 4 3 1", output);
        Assert.Contains("utf8 OK 4", output);
        Assert.Contains("uid OK 3 2 5 4", output);
    }

    [Fact]
    public async Task Imaplib_Esort_ReturnOptionsInSortOrder_AndErrors()
    {
        var output = await RunAsync(fixture.NewAccount(), Seed + """
            print('esort1', raw('UID', 'SORT', 'RETURN (MIN MAX COUNT)', '(SUBJECT)', 'UTF-8', 'ALL'))
            print('esort2', raw('SORT', 'RETURN (ALL)', '(ARRIVAL)', 'UTF-8', 'ALL'))
            print('esort3', raw('SORT', 'RETURN ()', '(SIZE)', 'UTF-8', 'ALL'))
            print('esort4', raw('SORT', 'RETURN (COUNT)', '(SIZE)', 'UTF-8', 'SUBJECT', 'nothing-matches'))
            print('esort5', raw('SORT', 'RETURN (MIN MAX)', '(SIZE)', 'UTF-8', 'SUBJECT', 'nothing-matches'))
            print('charset', raw('SORT', '(SUBJECT)', 'KOI8-R', 'ALL'))
            print('badkey', raw('SORT', '(SUBJECT FOO)', 'UTF-8', 'ALL'))
            print('badret', raw('SORT', 'RETURN (SAVE)', '(SUBJECT)', 'UTF-8', 'ALL'))
            print('nokeys', raw('SORT', '()', 'UTF-8', 'ALL'))
            print('nocharset', raw('SORT', '(SUBJECT)', 'ALL'))
            """);
        Assert.Matches(@"caps .*\bESORT\b", output);
        // RFC 5267 §3.2: MIN/MAX are the first/last in sort order (UIDs 3 2 5 4), not the numerically smallest.
        Assert.Contains("esort1 OK [b'(TAG \"", output);
        Assert.Matches(@"esort1 OK \[b'\(TAG ""[A-Z0-9]+""\) UID MIN 3 MAX 4 COUNT 4'\]", output);
        Assert.Matches(@"esort2 OK \[b'\(TAG ""[A-Z0-9]+""\) ALL 2,4,1,3'\]", output);
        Assert.Matches(@"esort3 OK \[b'\(TAG ""[A-Z0-9]+""\) ALL 1,4,3,2'\]", output);
        Assert.Matches(@"esort4 OK \[b'\(TAG ""[A-Z0-9]+""\) COUNT 0'\]", output);
        Assert.Matches(@"esort5 OK \[b'\(TAG ""[A-Z0-9]+""\)'\]", output);
        Assert.Contains("charset NO None [BADCHARSET (UTF-8 US-ASCII)]", output);
        Assert.Contains("badkey SORT command error: BAD", output);
        Assert.Contains("badret SORT command error: BAD", output);
        Assert.Contains("nokeys SORT command error: BAD", output);
        Assert.Contains("nocharset SORT command error: BAD", output);
    }

    [Fact]
    public async Task Imaplib_Thread_ReferencesAndOrderedSubject()
    {
        var output = await RunAsync(fixture.NewAccount(), """
            def put(text):
                typ, data = m.append('INBOX', None, None, text.replace('\n', '\r\n').encode() + b'\r\n\r\nbody\r\n')
                assert typ == 'OK', data
            put('Message-ID: <a@x>\nSubject: plans\nDate: 1 Mar 2026 10:00:00 +0000')
            put('Message-ID: <b@x>\nReferences: <a@x>\nSubject: Re: plans\nDate: 2 Mar 2026 10:00:00 +0000')
            put('Message-ID: <c@x>\nReferences: <a@x> <b@x>\nSubject: Re: plans\nDate: 3 Mar 2026 10:00:00 +0000')
            put('Message-ID: <d@x>\nIn-Reply-To: <a@x>\nSubject: Re: plans\nDate: 4 Mar 2026 10:00:00 +0000')
            put('Message-ID: <e@x>\nReferences: <missing@x>\nSubject: Re: party\nDate: 5 Mar 2026 10:00:00 +0000')
            put('Message-ID: <f@x>\nReferences: <missing@x>\nSubject: Re: party\nDate: 6 Mar 2026 10:00:00 +0000')
            put('Subject: Re: plans\nDate: 28 Feb 2026 10:00:00 +0000')
            put('Message-ID: <h@x>\nSubject: lonely\nDate: 7 Mar 2026 10:00:00 +0000')
            m.select('INBOX')
            for alg in ['REFERENCES', 'ORDEREDSUBJECT']:
                typ, data = m.thread(alg, 'UTF-8', 'ALL')
                print('thread', alg, typ, data[0].decode())
            typ, data = m.thread('REFERENCES', 'UTF-8', 'SUBJECT', 'party')
            print('subset', typ, data[0].decode())
            typ, data = m.uid('THREAD', 'REFERENCES', 'UTF-8', 'SUBJECT', 'lonely')
            print('uid', typ, data[0].decode())
            typ, data = m.thread('REFERENCES', 'UTF-8', 'SUBJECT', 'nothing-matches')
            print('empty', typ, data)
            try:
                m.thread('BOGUS', 'UTF-8', 'ALL')
            except imaplib.IMAP4.error as e:
                print('bogus', e)
            print('charset', m.thread('REFERENCES', 'ISO-2022-JP', 'ALL'))
            """);
        Assert.Matches(@"caps .*\bTHREAD=REFERENCES\b", output);
        Assert.Matches(@"caps .*\bTHREAD=ORDEREDSUBJECT\b", output);
        // 1 <- 2 <- 3 and 1 <- 4 by headers; 7 has no headers but "Re: plans" joins 1 by subject (step 6);
        // 5 and 6 share a missing parent: a dummy at the root holds both; children sorted by date (7 is 28 Feb).
        Assert.Contains("thread REFERENCES OK (1 (7)(2 3)(4))((5)(6))(8)", output);
        // Subject groups in date order of their first message; the first is the parent of the rest.
        Assert.Contains("thread ORDEREDSUBJECT OK (7 (1)(2)(3)(4))(5 6)(8)", output);
        Assert.Contains("subset OK ((5)(6))", output);
        Assert.Contains("uid OK (8)", output);
        Assert.Contains("empty OK [b'']", output); // an untagged "* THREAD" with no threads
        Assert.Contains("bogus THREAD command error: BAD", output);
        Assert.Contains("charset ('NO', [b'[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset'])", output);
    }
}
