using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>Issue 12 extensions driven by Python's imaplib, a real client: each advertised, each used.</summary>
[Collection("imap-conformance")]
public sealed class ExtensionClientTests(ConformanceFixture fixture)
{
    private async Task<string> RunAsync(string user, string body)
    {
        var script = PythonClient.Prelude + """
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login(sys.argv[2], 'pw')
            caps = m.capabilities
            print('caps', ' '.join(caps))

            """ + body + """

            m.logout()
            """;
        return await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
    }

    [Fact]
    public async Task Imaplib_IdArgumentsChecked_UnselectNamespace()
    {
        var output = await RunAsync(fixture.NewAccount(), """
            print('ns', m.namespace())
            typ, data = m.xatom('ID', '("name" "imaplib" "version" "3")')
            print('id', typ, m.untagged_responses.get('ID'))
            def xatom(*args):
                try:
                    return m.xatom(*args)[0]
                except imaplib.IMAP4.error as e:
                    return str(e)  # "ID command error: BAD [...]"
            print('odd', xatom('ID', '("name")'))
            print('atom', xatom('ID', 'name'))
            print('nil', xatom('ID', 'NIL'))
            m.select('INBOX')
            print('unselect', m.unselect())
            print('after', m.state)
            """);
        Assert.Matches(@"caps .*\bUNSELECT\b", output);
        Assert.Matches(@"caps .*\bNAMESPACE\b", output);
        Assert.Matches(@"caps .*\bID\b", output);
        Assert.Contains("ns ('OK', [b'((\"\" \"/\")) NIL NIL'])", output);
        Assert.Contains("id OK [b'(\"name\" \"MailHost\")']", output);
        // RFC 2971 §3.3: a field without a value, or no list at all, is a syntax error.
        Assert.Contains("odd ID command error: BAD", output);
        Assert.Contains("atom ID command error: BAD", output);
        Assert.Contains("nil OK", output);
        Assert.Contains("unselect ('OK', [b'UNSELECT completed'])", output);
        Assert.Contains("after AUTH", output);
    }

    [Fact]
    public async Task Imaplib_MultiAppend_AllMessagesOneAppendUidSet()
    {
        var output = await RunAsync(fixture.NewAccount(), """
            a = b'Subject: one\r\n\r\n1\r\n'
            b = b'Subject: two\r\n\r\n2\r\n'
            # imaplib sends one literal per APPEND; MULTIAPPEND needs the literals in one command.
            tag = m._new_tag()
            m.send(tag + b' APPEND INBOX (\\Seen) {%d+}\r\n' % len(a) + a + b' {%d+}\r\n' % len(b) + b + b'\r\n')
            while True:
                line = m.readline()
                print('line', line.decode().strip())
                if line.startswith(tag): break
            m.select('INBOX')
            typ, data = m.fetch('1:*', '(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
            print('fetch', data)
            """);
        Assert.Matches(@"caps .*\bMULTIAPPEND\b", output);
        Assert.Matches(@"line \S+ OK \[APPENDUID \d+ 1:2\]", output);
        Assert.Contains("Subject: one", output);
        Assert.Contains("Subject: two", output);
    }

    [Fact]
    public async Task Imaplib_ListStatusAndCreateSpecialUse()
    {
        var output = await RunAsync(fixture.NewAccount(), """
            print('create', m._simple_command('CREATE', 'Old', '(USE (\\Archive))'))
            print('bad', m._simple_command('CREATE', 'Weird', '(USE (\\Bogus))'))
            typ, data = m._simple_command('LIST', '(SPECIAL-USE)', '""', '*', 'RETURN', '(STATUS (MESSAGES UIDNEXT))')
            for line in m.untagged_responses.get('LIST', []): print('list', line.decode())
            for line in m.untagged_responses.get('STATUS', []): print('status', line.decode())
            """);
        Assert.Matches(@"caps .*\bLIST-STATUS\b", output);
        Assert.Matches(@"caps .*\bCREATE-SPECIAL-USE\b", output);
        Assert.Contains("create ('OK'", output);
        Assert.Contains("bad ('NO'", output);
        Assert.Contains("[USEATTR]", output);
        Assert.Contains("list (\\HasNoChildren \\Archive) \"/\" Old", output);
        Assert.Contains("status Old (MESSAGES 0 UIDNEXT 1)", output);
    }

    [Fact]
    public async Task Imaplib_AppendLimitAdvertisedAndEnforced()
    {
        var limit = fixture.Server.Snapshot.Current.Server.MaxMessageSize;
        var output = await RunAsync(fixture.NewAccount(), """
            typ, data = m.status('INBOX', '(APPENDLIMIT)')
            print('status', typ, data[0].decode())
            tag = m._new_tag()
            m.send(tag + b' APPEND INBOX {%d}\r\n' % (int(sys.argv[3]) + 1))
            print('toobig', m.readline().decode().strip())
            """.Replace("sys.argv[3]", limit.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Matches($@"caps .*\bAPPENDLIMIT={limit}\b", output);
        Assert.Contains($"status OK INBOX (APPENDLIMIT {limit})", output);
        Assert.Matches(@"toobig \S+ NO \[TOOBIG\]", output);
    }

    [Fact]
    public async Task Imaplib_QuotaRootReportsStorageAndOverQuota()
    {
        var output = await RunAsync("quota@example.com", """
            print('root', m.getquotaroot('INBOX'))
            print('quota', m.getquota('""'))
            print('set', m.setquota('""', '(STORAGE 100)'))
            big = b'Subject: big\r\n\r\n' + b'x' * 12000 + b'\r\n'
            print('over', m.append('INBOX', None, None, big))
            m.append('INBOX', '(\\Deleted)', None, b'Subject: small\r\n\r\n' + b'y' * 3000 + b'\r\n')
            print('deleted', m.status('INBOX', '(DELETED-STORAGE)'))
            """);
        Assert.Matches(@"caps .*\bQUOTA\b", output);
        Assert.Matches(@"caps .*\bQUOTA=RES-STORAGE\b", output);
        Assert.Contains("root ('OK', [[b'INBOX \"\"'], [b'\"\" (STORAGE 0 9)']])", output);
        Assert.Contains("quota ('OK', [b'\"\" (STORAGE 0 9)'])", output);
        Assert.Contains("set ('NO'", output);
        Assert.Contains("over ('NO', [b'[OVERQUOTA]", output);
        Assert.Contains("deleted ('OK', [b'INBOX (DELETED-STORAGE 3)'])", output);
    }
}
