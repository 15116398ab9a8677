using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap;

[Collection("mailstore")]
public sealed class ImaplibTests(MailServerFixture fixture)
{
    [Fact]
    public async Task Imaplib_StartTlsSession_AppendSearchFetchStoreExpunge()
    {
        var script = PythonClient.Prelude + """
            m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
            m.starttls(ssl_context=ctx)
            print('login', m.login('alice@example.com', 'pw')[0])
            msg = b'From: Bob <bob@example.com>\r\nTo: alice@example.com\r\nSubject: =?utf-8?q?Caf=C3=A9?= hello\r\nMessage-ID: <m1@example.com>\r\n\r\nBody text with needle inside.\r\n'
            typ, data = m.append('INBOX', '(\\Flagged)', None, msg)
            print('append', typ, data[0].decode())
            typ, data = m.select('INBOX')
            print('select', typ, data[0].decode())
            typ, data = m.uid('SEARCH', None, 'SUBJECT', 'Café'.encode(), 'BODY', 'needle')
            print('search', typ, data[0].decode())
            uid = data[0].split()[-1].decode()
            typ, data = m.uid('FETCH', uid, '(FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (Subject)] ENVELOPE)')
            print('fetch', typ, data[0][0].decode(), data[0][1].decode().strip(), data[1].decode())
            typ, data = m.uid('STORE', uid, '+FLAGS', '(\\Deleted)')
            print('store', typ, data[0].decode())
            typ, data = m.expunge()
            print('expunge', typ, len([d for d in data if d]))
            typ, data = m.uid('SEARCH', None, 'UID', uid)
            print('after', typ, repr(data[0].decode()))
            print('logout', m.logout()[0])
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("imap").ToString(CultureInfo.InvariantCulture));
        Assert.Contains("login OK", output);
        Assert.Contains("append OK [APPENDUID", output);
        Assert.Matches(@"search OK \d+", output);
        // The session that selects first owns the new message's \Recent (IMAP4rev1, RFC 3501 §2.3.2).
        Assert.Contains("FLAGS (\\Flagged \\Recent)", output);
        Assert.Contains("Subject: =?utf-8?q?Caf=C3=A9?= hello", output);
        Assert.Contains("\"<m1@example.com>\"", output);
        Assert.Contains("store OK", output);
        Assert.Contains("expunge OK 1", output);
        Assert.Contains("after OK ''", output);
        Assert.Contains("logout BYE", output);
    }

    [Fact]
    public async Task Imaplib_ImplicitTls_ListShowsSpecialUseFoldersAndCreatedFolder()
    {
        var script = PythonClient.Prelude + """
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login('bob@example.com', 'pw')
            print('create', m.create('Projects/2026')[0])
            typ, data = m.list()
            for line in data: print('list', line.decode())
            typ, data = m.status('INBOX', '(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)')
            print('status', typ, data[0].decode())
            print('rename', m.rename('Projects', 'Work')[0])
            typ, data = m.list('""', 'Work/*')
            for line in data: print('after', line.decode())
            print('delete', m.delete('Work/2026')[0])
            m.logout()
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture));
        Assert.Contains("create OK", output);
        Assert.Contains("list (\\HasNoChildren \\Sent) \"/\" Sent", output);
        Assert.Contains("list (\\HasNoChildren \\Trash) \"/\" Trash", output);
        Assert.Contains("list (\\HasNoChildren \\Junk) \"/\" Junk", output);
        Assert.Contains("list (\\HasNoChildren \\Drafts) \"/\" Drafts", output);
        Assert.Contains("list (\\HasNoChildren \\Archive) \"/\" Archive", output);
        Assert.Contains("list (\\HasChildren) \"/\" Projects", output);
        Assert.Contains("list (\\HasNoChildren) \"/\" Projects/2026", output);
        Assert.Matches(@"status OK INBOX \(MESSAGES \d+ UIDNEXT \d+ UIDVALIDITY \d+ UNSEEN \d+\)", output);
        Assert.Contains("rename OK", output);
        Assert.Contains("after (\\HasNoChildren) \"/\" Work/2026", output);
        Assert.Contains("delete OK", output);
    }
}
