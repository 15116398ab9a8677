using System.Net;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Pop3;

[Collection("mailstore")]
public sealed class PoplibTests(MailServerFixture fixture)
{
    [Fact]
    public async Task Poplib_StlsDeleteThenQuit_DeletedOnlyAfterQuit()
    {
        await fixture.PutAsync("frank@example.com", "INBOX", "Subject: p1\r\n\r\n.leading dot\r\nline2\r\n");
        await fixture.PutAsync("frank@example.com", "INBOX", "Subject: p2\r\n\r\nsecond\r\n");
        var script = PythonClient.Prelude + """
            p = poplib.POP3('127.0.0.1', int(sys.argv[1]))
            p.stls(context=ctx)
            p.user('frank@example.com'); p.pass_('pw')
            print('stat', p.stat())
            print('uidl', p.uidl()[1])
            resp, lines, octets = p.retr(1)
            print('retr', lines)
            resp, lines, octets = p.top(2, 0)
            print('top', lines)
            print('dele', p.dele(1))
            print('list', p.list()[1])
            # A second session while the first is open: the maildrop is locked.
            q = poplib.POP3_SSL('127.0.0.1', int(sys.argv[2]), context=ctx)
            q.user('frank@example.com')
            try:
                q.pass_('pw'); print('second', 'ok')
            except poplib.error_proto as e:
                print('second', e)
            q.quit()
            # Before QUIT nothing is deleted: the store still has 2.
            print('quit', p.quit())
            r = poplib.POP3_SSL('127.0.0.1', int(sys.argv[2]), context=ctx)
            r.user('frank@example.com'); r.pass_('pw')
            print('after', r.stat())
            print('rset', r.dele(1), r.rset(), r.stat())
            r.quit()
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("pop3").ToString(CultureInfo.InvariantCulture), fixture.Port("pop3s").ToString(CultureInfo.InvariantCulture));
        Assert.Contains("stat (2,", output);
        Assert.Matches(@"uidl \[b'1 \d+\.1', b'2 \d+\.2'\]", output);
        Assert.Contains("retr [b'Subject: p1', b'', b'.leading dot', b'line2']", output);
        Assert.Contains("top [b'Subject: p2', b'']", output);
        Assert.Contains("second b'-ERR [IN-USE]", output);
        Assert.Contains("after (1,", output);
        Assert.Contains("rset b'+OK Message 1 deleted' b'+OK' (1,", output);
    }

    [Fact]
    public async Task Pop3_ConnectionDroppedWithoutQuit_NothingDeleted()
    {
        await fixture.PutAsync("bob@example.com", "INBOX", "Subject: keep\r\n\r\nx\r\n");
        string before;
        await using (var c = await LineClient.ConnectAsync(fixture.Pop3OptPort))
        {
            Assert.StartsWith("+OK", await c.ReadLineAsync());
            Assert.StartsWith("+OK", await LineOf(c, "USER bob@example.com"));
            Assert.StartsWith("+OK", await PassAsync(c, "bob@example.com"));
            before = await LineOf(c, "STAT");
            Assert.StartsWith("+OK", await LineOf(c, "DELE 1"));
        }
        await using var d = await LineClient.ConnectAsync(fixture.Pop3OptPort);
        await d.ReadLineAsync();
        await LineOf(d, "USER bob@example.com");
        Assert.StartsWith("+OK", await PassAsync(d, "bob@example.com"));
        Assert.Equal(before, await LineOf(d, "STAT"));
        Assert.Matches(@"^\+OK [1-9]\d* ", before);
    }

    private static async Task<string> PassAsync(LineClient c, string user)
    {
        // The lock of the previous session is released when its connection closes: retry briefly.
        for (var i = 0; ; i++)
        {
            var reply = await LineOf(c, "PASS pw");
            if (!reply.Contains("IN-USE", StringComparison.Ordinal) || i == 20)
            {
                return reply;
            }
            await Task.Delay(100);
            await LineOf(c, "USER " + user);
        }
    }

    private static async Task<string> LineOf(LineClient c, string command)
    {
        await c.SendLineAsync(command);
        return await c.ReadLineAsync() ?? "";
    }

    [Fact]
    public async Task Pop3_FromRangeRequiringTls_UserRefusedUntilStls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Pop3OptPort, IPAddress.Parse("127.0.0.2"));
        await c.ReadLineAsync();
        await c.SendLineAsync("CAPA");
        var caps = new List<string>();
        string? line;
        while ((line = await c.ReadLineAsync()) is not null and not ".")
        {
            caps.Add(line);
        }
        Assert.Contains("STLS", caps);
        Assert.DoesNotContain("USER", caps);
        Assert.StartsWith("-ERR [AUTH]", await LineOf(c, "USER alice@example.com"));
        Assert.StartsWith("+OK", await LineOf(c, "STLS"));
        await c.UpgradeToTlsAsync();
        Assert.StartsWith("+OK", await LineOf(c, "AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHB3"));
        Assert.StartsWith("+OK", await LineOf(c, "QUIT"));
    }
}
