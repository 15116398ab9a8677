using System.Text;
using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap;

/// <summary>
/// The FETCH cache in mail.db (message_cache): ENVELOPE, BODY and BODYSTRUCTURE are a row read. Proved by
/// removing the message file after the row exists: the answers stay the same, where a parse of the file
/// (the code before the cache) has nothing to read. Client: Python's imaplib.
/// </summary>
[Collection("mailstore")]
public sealed class FetchCacheTests(MailServerFixture fixture)
{
    private const string Script = PythonClient.Prelude + """
        m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
        m.login(sys.argv[2], 'pw')
        if sys.argv[5] == 'utf8':
            m.enable('IMAP4rev2')
        m.select(sys.argv[3], readonly=True)
        typ, data = m.uid('FETCH', sys.argv[4], '(ENVELOPE BODY BODYSTRUCTURE)')
        print(typ, repr(data))
        m.logout()
        """;

    private static string Multipart(string subject, string filler) => $"""
        From: "Cache Test" <cache@example.com>
        To: erin@example.com
        Subject: {subject}
        Message-ID: <cache-{Guid.NewGuid():N}@example.com>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        {filler}
        --b1
        Content-Type: application/pdf; name="r.pdf"
        Content-Disposition: attachment; filename="r.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        --b1--

        """;

    private async Task<string> FetchAsync(string account, string mailbox, long uid, bool utf8) =>
        await PythonClient.RunAsync(Script, null, fixture.Port("imaps").ToString(CultureInfo.InvariantCulture), account, mailbox, uid.ToString(CultureInfo.InvariantCulture), utf8 ? "utf8" : "ascii");

    private async Task DeleteFileAsync(string account, string mailbox, long uid)
    {
        var box = await fixture.Store.GetMailboxAsync(account, mailbox, CancellationToken.None) ?? throw new InvalidOperationException("no mailbox");
        var entry = (await fixture.Store.ListMessagesAsync(box.Id, CancellationToken.None)).Single(e => e.Uid == uid);
        File.Delete(fixture.Store.Files.FullPath(entry.File));
    }

    [Fact]
    public async Task Imaplib_StructureWrittenAtAppend_IsServedWithoutTheFile()
    {
        var uid = await fixture.PutAsync("erin@example.com", "Archive", Multipart("Cached at append", "hello"));
        var before = await FetchAsync("erin@example.com", "Archive", uid, utf8: false);
        Assert.Contains("\"MIXED\" (\"BOUNDARY\" \"b1\")", before, StringComparison.Ordinal);
        Assert.Contains("\"Cached at append\"", before, StringComparison.Ordinal);
        await DeleteFileAsync("erin@example.com", "Archive", uid);
        var after = await FetchAsync("erin@example.com", "Archive", uid, utf8: false);
        Assert.StartsWith("OK ", after, StringComparison.Ordinal);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Imaplib_LargeMessage_GetsItsRowOnFirstFetch()
    {
        // Over MessageCache.MaxBuildAtStoreSize: no row at store time, so the first FETCH parses and writes it.
        var filler = string.Join("\r\n", Enumerable.Repeat(new string('x', 76), 15_000));
        var uid = await fixture.PutAsync("erin@example.com", "Archive", Multipart("Cached lazily", filler));
        var first = await FetchAsync("erin@example.com", "Archive", uid, utf8: false);
        Assert.Contains("\"Cached lazily\"", first, StringComparison.Ordinal);
        Assert.Contains("\"APPLICATION\" \"PDF\"", first, StringComparison.Ordinal);
        await DeleteFileAsync("erin@example.com", "Archive", uid);
        Assert.Equal(first, await FetchAsync("erin@example.com", "Archive", uid, utf8: false));
    }

    [Fact]
    public async Task Imaplib_Utf8Subject_SevenBitAndUtf8FormsBothCached()
    {
        // RFC 9051 §6.3.1: 8-bit text goes as a literal to an IMAP4rev1 session, quoted once IMAP4rev2 is enabled.
        var uid = await fixture.PutAsync("erin@example.com", "Archive", Multipart("Grüße aus Köln", "hi"));
        await DeleteFileAsync("erin@example.com", "Archive", uid);
        var ascii = await FetchAsync("erin@example.com", "Archive", uid, utf8: false);
        var utf8 = await FetchAsync("erin@example.com", "Archive", uid, utf8: true);
        var subject = Encoding.UTF8.GetBytes("Grüße aus Köln");
        Assert.Contains($"{{{subject.Length}}}", ascii, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Grüße aus Köln\"", ascii, StringComparison.Ordinal);
        Assert.Contains("Gr\\xc3\\xbc\\xc3\\x9fe aus K\\xc3\\xb6ln", ascii, StringComparison.Ordinal);
        Assert.Contains("\"Gr\\xc3\\xbc\\xc3\\x9fe aus K\\xc3\\xb6ln\"", utf8, StringComparison.Ordinal);
    }
}
