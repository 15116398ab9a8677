using MailHost.Server.IntegrationTests.Storage;
using Microsoft.Data.Sqlite;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>SAVEDATE (RFC 8514) with imaplib: FETCH SAVEDATE after APPEND, COPY and MOVE; SEARCH SAVEDBEFORE/SAVEDON/SAVEDSINCE/SAVEDATESUPPORTED.</summary>
[Collection("imap-conformance")]
public sealed class SaveDateTests(ConformanceFixture fixture)
{
    private static readonly DateTimeOffset OldDate = new(2020, 1, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Imaplib_SaveDate_FetchAfterAppendCopyMove_SearchKeys_NilForRowsWithoutOne()
    {
        var user = fixture.NewAccount();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var inbox = (await fixture.Store.GetMailboxAsync(user, "INBOX", cts.Token))!;
        foreach (var subject in new[] { "legacy", "saved" })
        {
            using var content = new MemoryStream(System.Text.Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nx\r\n"));
            await fixture.Store.AppendAsync(inbox.Id, content, [], OldDate, null, cts.Token);
        }
        // The first message stands for a row stored before mail.db had save dates.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(fixture.Server.DataDir, "mail.db")}"))
        {
            await db.OpenAsync(cts.Token);
            await using var clear = db.CreateCommand();
            clear.CommandText = "UPDATE messages SET save_date=NULL WHERE mailbox_id=$m AND uid=1";
            clear.Parameters.AddWithValue("$m", inbox.Id);
            Assert.Equal(1, await clear.ExecuteNonQueryAsync(cts.Token));
        }
        var script = PythonClient.Prelude + """
            import re, datetime
            def saved(items):
                m = re.search(rb'SAVEDATE "([^"]+)"', items)
                return datetime.datetime.strptime(m.group(1).decode(), '%d-%b-%Y %H:%M:%S %z') if m else None
            m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
            m.login(sys.argv[2], 'pw')
            print('caps', ' '.join(m.capabilities))
            m.select('INBOX')
            typ, data = m.fetch('1:*', '(UID INTERNALDATE SAVEDATE)')
            print('fetch', [d.decode() for d in data])
            second = saved(data[1])
            day = second.strftime('%d-%b-%Y')
            for key in ('SAVEDON', 'SAVEDBEFORE', 'SAVEDSINCE', 'BEFORE'):
                print('search', key, m.search(None, key, day)[1])
            print('search SAVEDATESUPPORTED', m.search(None, 'SAVEDATESUPPORTED')[1])
            print('search NOT SAVEDON', m.search(None, 'NOT', 'SAVEDON', day)[1])
            typ, data = m.append('INBOX', None, '"01-Jan-2020 10:00:00 +0000"', b'Subject: appended\r\n\r\nx\r\n')
            typ, data = m.fetch('3', '(INTERNALDATE SAVEDATE)')
            print('appended', data[0].decode())
            appended = saved(data[0])
            print('appended-not-before-second', appended >= second)
            time.sleep(1.1)
            typ, data = m.copy('2', 'Archive')
            typ, data = m._simple_command('MOVE', '3', 'Archive')
            print('move', typ)
            m.select('Archive')
            typ, data = m.fetch('1:*', '(INTERNALDATE SAVEDATE)')
            print('archive', [d.decode() for d in data])
            print('copy-later', saved(data[0]) > second, 'move-later', saved(data[1]) > appended)
            m.logout()
            """;
        var output = await PythonClient.RunAsync(script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), user);
        Assert.Matches(@"caps .*\bSAVEDATE\b", output);
        // The row without a save date answers NIL; the saved one has a date of its own, not its internal date.
        Assert.Matches(@"fetch \['1 \(UID 1 INTERNALDATE ""01-Jan-2020 10:00:00 \+0000"" SAVEDATE NIL\)', '2 \(UID 2 INTERNALDATE ""01-Jan-2020 10:00:00 \+0000"" SAVEDATE ""\d\d-\w{3}-20\d\d \d\d:\d\d:\d\d \+0000""\)'\]", output);
        Assert.DoesNotMatch(@"'2 \(UID 2 INTERNALDATE [^)]*SAVEDATE ""01-Jan-2020", output);
        Assert.Contains("search SAVEDON [b'2']", output);
        // Without a save date the internal date stands in, so message 1 was "saved" in 2020.
        Assert.Contains("search SAVEDBEFORE [b'1']", output);
        Assert.Contains("search SAVEDSINCE [b'2']", output);
        Assert.Contains("search BEFORE [b'1 2']", output);
        Assert.Contains("search SAVEDATESUPPORTED [b'1 2']", output);
        Assert.Contains("search NOT SAVEDON [b'1']", output);
        Assert.Matches(@"appended 3 \(INTERNALDATE ""01-Jan-2020 10:00:00 \+0000"" SAVEDATE ""\d\d-\w{3}-20\d\d", output);
        Assert.Contains("appended-not-before-second True", output);
        Assert.Contains("move OK", output);
        // COPY and MOVE save the message into its new mailbox: a new save date, the internal date kept.
        Assert.Matches(@"archive \['1 \(INTERNALDATE ""01-Jan-2020 10:00:00 \+0000"" SAVEDATE ""[^""]+""\)', '2 \(INTERNALDATE ""01-Jan-2020 10:00:00 \+0000"" SAVEDATE ""[^""]+""\)'\]", output);
        Assert.Contains("copy-later True move-later True", output);
    }
}
