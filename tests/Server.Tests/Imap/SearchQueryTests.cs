using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Storage;

namespace MailHost.Server.Tests.Imap;

public sealed class SearchQueryTests
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("From: Alice <alice@example.com>\r\nSubject: =?utf-8?q?Caf=C3=A9?= menu\r\nDate: 2 Mar 2026 10:00:00 +0000\r\n\r\nToday: soup.\r\n");

    private static List<long> Run(string keys, params (long Uid, string[] Flags)[] messages)
    {
        var query = SearchQuery.ParseWithPrefix(new ImapReader(Encoding.UTF8.GetBytes(keys)), out _, out _);
        var list = messages.Select(m => new MessageEntry(m.Uid, 100 * m.Uid, new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), m.Flags, "", 1)).ToList();
        return [.. list.Select((m, i) => new SearchCandidate(m, i + 1, list.Count, list[^1].Uid) { Content = Message }).Where(query.Match).Select(c => c.Entry.Uid)];
    }

    [Fact]
    public void Search_FlagsOrNot_Combined()
    {
        var msgs = new[] { (1L, new[] { "\\Seen" }), (2L, new[] { "\\Flagged" }), (3L, Array.Empty<string>()) };
        Assert.Equal([3], Run("UNSEEN UNFLAGGED", msgs));
        Assert.Equal([1, 2], Run("OR SEEN FLAGGED", msgs));
        Assert.Equal([2, 3], Run("NOT SEEN", msgs));
        Assert.Equal([2], Run("(NOT SEEN) FLAGGED", msgs));
        Assert.Equal([2, 3], Run("UID 2:*", msgs));
        Assert.Equal([3], Run("LARGER 250", msgs));
        Assert.Equal([1, 3], Run("1,3", msgs));
    }

    [Fact]
    public void Search_HeaderAndBodyText_DecodedCaseInsensitive()
    {
        var msgs = new[] { (1L, Array.Empty<string>()) };
        Assert.Equal([1], Run("CHARSET UTF-8 SUBJECT \"café\"", msgs));
        Assert.Equal([1], Run("FROM ALICE", msgs));
        Assert.Equal([1], Run("BODY soup TEXT today", msgs));
        Assert.Empty(Run("BODY pizza", msgs));
        Assert.Equal([1], Run("SENTON 2-Mar-2026 SINCE 1-Mar-2026", msgs));
        Assert.Equal([1], Run("HEADER Date 2026", msgs));
    }

    [Fact]
    public void Search_ReturnOptions_Parsed()
    {
        SearchQuery.ParseWithPrefix(new ImapReader(Encoding.UTF8.GetBytes("RETURN (MIN COUNT) ALL")), out var options, out _);
        Assert.Equal(["MIN", "COUNT"], options);
    }

    [Theory]
    [InlineData("BOGUS")]
    [InlineData("OR SEEN")]
    [InlineData("(SEEN")]
    [InlineData("SINCE yesterday")]
    public void Search_BadSyntax_Throws(string keys)
    {
        Assert.Throws<ImapParseException>(() => SearchQuery.ParseWithPrefix(new ImapReader(Encoding.UTF8.GetBytes(keys)), out _, out _));
    }
}
