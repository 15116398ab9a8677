using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>OBJECTID (RFC 8474) with imaplib: MAILBOXID in CREATE/SELECT/STATUS and across RENAME; EMAILID kept by COPY/MOVE; THREADID from the thread root; SEARCH EMAILID/THREADID.</summary>
[Collection("imap-conformance")]
public sealed class ObjectIdTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task Imaplib_ObjectId_MailboxIdStableAcrossRename_EmailIdKeptByCopyMove_ThreadIdFromRoot_Search()
    {
        var user = fixture.NewAccount();
        var script = PythonClient.Prelude + """
            import re
            def ids(data):
                return [re.search(rb'EMAILID \(([^)]*)\)', d).group(1).decode() + '/' + re.search(rb'THREADID \(([^)]*)\)', d).group(1).decode() for d in data if isinstance(d, bytes)]
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login(sys.argv[2], 'pw')
            print('caps', ' '.join(m.capabilities))
            typ, data = m.create('Projects')
            print('create', typ, data)
            print('status', m.status('Projects', '(MAILBOXID MESSAGES)')[1])
            m.rename('Projects', 'Work')
            print('renamed', m.status('Work', '(MAILBOXID)')[1])
            m.select('Work')
            print('select', m.untagged_responses.get('MAILBOXID'))
            m.close()
            m.delete('Work')
            typ, data = m.create('Work')
            print('recreated', typ, data)

            root = b'Message-ID: <root@example.com>\r\nSubject: plan\r\n\r\nfirst\r\n'
            reply = b'Message-ID: <r1@example.com>\r\nIn-Reply-To: <root@example.com>\r\nSubject: Re: plan\r\n\r\nsecond\r\n'
            deep = b'Message-ID: <r2@example.com>\r\nReferences: <root@example.com> <r1@example.com>\r\nSubject: Re: plan\r\n\r\nthird\r\n'
            other = b'Message-ID: <other@example.com>\r\nSubject: other\r\n\r\nfirst\r\n'
            for msg in (root, reply, deep, other, root):
                m.append('INBOX', None, None, msg)
            m.select('INBOX')
            typ, data = m.fetch('1:*', '(EMAILID THREADID)')
            print('inbox', ids(data))
            first = ids(data)[0].split('/')
            typ, data = m.copy('1', 'Archive')
            typ, data = m._simple_command('MOVE', '4', 'Archive')
            print('move', typ)
            print('search emailid', m.search(None, 'EMAILID', first[0])[1])
            print('search threadid', m.search(None, 'THREADID', first[1])[1])
            print('search bad', m.search(None, 'EMAILID', 'Mnosuchid')[1])
            m.select('Archive')
            typ, data = m.fetch('1:*', '(EMAILID THREADID)')
            print('archive', ids(data))
            m.logout()
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
        Assert.Matches(@"caps .*\bOBJECTID\b", output);
        var created = Regex.Match(output, @"create OK \[b'\[MAILBOXID \((F[\w-]+)\)\] CREATE completed'\]").Groups[1].Value;
        Assert.NotEmpty(created);
        Assert.Contains($"status [b'Projects (MAILBOXID ({created}) MESSAGES 0)']", output);
        // RENAME keeps the mailbox, so its MAILBOXID (§4).
        Assert.Contains($"renamed [b'Work (MAILBOXID ({created}))']", output);
        Assert.Contains($"select [b'({created})']", output);
        // A new mailbox of the same name is another mailbox: MAILBOXIDs are never reused (§4).
        var recreated = Regex.Match(output, @"recreated OK \[b'\[MAILBOXID \((F[\w-]+)\)\]").Groups[1].Value;
        Assert.NotEmpty(recreated);
        Assert.NotEqual(created, recreated);

        var inbox = Regex.Matches(Regex.Match(output, @"inbox \[(.*)\]").Groups[1].Value, @"'(M[0-9a-f]+)/(T[0-9a-f]+)'").Select(x => (Email: x.Groups[1].Value, Thread: x.Groups[2].Value)).ToList();
        Assert.Equal(5, inbox.Count);
        Assert.Equal(5, inbox.Select(i => i.Email).Distinct().Count()); // the same bytes appended twice are two messages
        Assert.Equal(inbox[0].Thread, inbox[1].Thread); // In-Reply-To the root
        Assert.Equal(inbox[0].Thread, inbox[2].Thread); // References starting at the root
        Assert.Equal(inbox[0].Thread, inbox[4].Thread); // the same root again
        Assert.NotEqual(inbox[0].Thread, inbox[3].Thread);
        Assert.Contains("move OK", output);
        Assert.Contains("search emailid [b'1']", output);
        // After the MOVE of message 4, the root's thread is messages 1, 2, 3 and 4 (the second root).
        Assert.Contains("search threadid [b'1 2 3 4']", output);
        Assert.Contains("search bad [b'']", output);
        // COPY and MOVE keep EMAILID and THREADID (§5.1).
        Assert.Contains($"archive ['{inbox[0].Email}/{inbox[0].Thread}', '{inbox[3].Email}/{inbox[3].Thread}']", output);
    }

    [Fact]
    public async Task Imapflow_ObjectId_MailboxIdOnCreateAndOpen_EmailIdAndThreadIdFetchedAndSearched()
    {
        var user = fixture.NewAccount();
        var script = """
            const { ImapFlow } = require('imapflow');
            const [port, user] = process.argv.slice(2);
            (async () => {
              const c = new ImapFlow({ host: '127.0.0.1', port: +port, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass: 'pw' }, logger: false });
              await c.connect();
              const created = await c.mailboxCreate('Proj');
              console.log('created', created.mailboxId);
              await c.mailboxRename('Proj', 'Proj2');
              const opened = await c.mailboxOpen('Proj2');
              console.log('opened', opened.mailboxId);
              await c.mailboxClose();
              await c.append('INBOX', 'Message-ID: <a@x.test>\r\nSubject: a\r\n\r\n1\r\n');
              await c.append('INBOX', 'Message-ID: <b@x.test>\r\nReferences: <a@x.test>\r\nSubject: Re: a\r\n\r\n2\r\n');
              await c.append('INBOX', 'Message-ID: <c@x.test>\r\nSubject: c\r\n\r\n3\r\n');
              await c.mailboxOpen('INBOX');
              const ids = [];
              for await (const m of c.fetch('1:*', { uid: true, threadId: true })) {
                ids.push({ uid: m.uid, emailId: m.emailId, threadId: m.threadId });
              }
              console.log('ids', JSON.stringify(ids));
              console.log('byEmail', JSON.stringify(await c.search({ emailId: ids[2].emailId }, { uid: true })));
              console.log('byThread', JSON.stringify(await c.search({ threadId: ids[0].threadId }, { uid: true })));
              await c.messageCopy('1', 'Archive', { uid: true });
              await c.mailboxOpen('Archive');
              for await (const m of c.fetch('1:*', { uid: true, threadId: true })) {
                console.log('copy', m.emailId === ids[0].emailId, m.threadId === ids[0].threadId);
              }
              await c.logout();
            })().catch(e => { console.error(e); process.exit(1); });
            """;
        var output = await NodeClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
        var created = Regex.Match(output, @"created (F[\w-]+)").Groups[1].Value;
        Assert.NotEmpty(created);
        Assert.Contains($"opened {created}", output); // imapflow reads MAILBOXID from SELECT; RENAME kept it
        var ids = Regex.Matches(output, @"""emailId"":""(M[0-9a-f]+)"",""threadId"":""(T[0-9a-f]+)""").Select(m => (Email: m.Groups[1].Value, Thread: m.Groups[2].Value)).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids[0].Thread, ids[1].Thread);
        Assert.NotEqual(ids[0].Thread, ids[2].Thread);
        Assert.Contains("byEmail [3]", output);
        Assert.Contains("byThread [1,2]", output);
        Assert.Contains("copy true true", output);
    }
}
