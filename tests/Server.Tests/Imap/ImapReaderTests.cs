using System.Text;
using MailHost.Server.Imap;

namespace MailHost.Server.Tests.Imap;

public sealed class ImapReaderTests
{
    private static ImapReader Reader(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void List_EmptyReferenceAndStar_ParsesBoth()
    {
        var r = Reader("a1 LIST \"\" *");
        Assert.Equal("a1", r.Tag());
        r.Space();
        Assert.Equal("LIST", r.Atom());
        r.Space();
        Assert.Equal("", r.ListMailbox());
        r.Space();
        Assert.Equal("*", r.ListMailbox());
        r.End();
    }

    [Fact]
    public void AString_QuotedWithEscapes_Unescaped()
    {
        var r = Reader("\"a \\\"b\\\" \\\\c\"");
        Assert.Equal("a \"b\" \\c", r.AString());
        Assert.True(r.AtEnd);
    }

    [Fact]
    public void StringBytes_SynchronisingAndNonSynchronisingLiterals_ReadExactly()
    {
        var r = Reader("{5}\r\nhello {3+}\r\nab)");
        Assert.Equal("hello", Encoding.ASCII.GetString(r.StringBytes()));
        r.Space();
        Assert.Equal("ab)", Encoding.ASCII.GetString(r.StringBytes()));
        r.End();
    }

    [Fact]
    public void StringBytes_LiteralLongerThanData_Throws()
    {
        var r = Reader("{50}\r\nshort");
        Assert.Throws<ImapParseException>(() => r.StringBytes());
    }

    [Fact]
    public void Tag_WithPlus_IsRejected()
    {
        Assert.Throws<ImapParseException>(() => Reader("a+1 NOOP").Tag());
    }

    [Fact]
    public void FlagList_SystemFlagsAndKeywords_Parsed()
    {
        Assert.Equal(["\\Seen", "\\Deleted", "$Label1"], Reader("(\\Seen \\Deleted $Label1)").FlagList());
        Assert.Equal(["\\Seen"], Reader("\\Seen").FlagList());
    }

    [Fact]
    public void DateTime_Rfc9051Example_Parsed()
    {
        var date = Reader("\"17-Jul-1996 02:44:25 -0700\"").DateTime();
        Assert.Equal(new DateTimeOffset(1996, 7, 17, 2, 44, 25, TimeSpan.FromHours(-7)), date);
    }

    [Theory]
    [InlineData("1:3,7,10:*", 10, new long[] { 1, 2, 3, 7, 10 })]
    [InlineData("*", 4, new long[] { 4 })]
    [InlineData("5:2", 9, new long[] { 2, 3, 4, 5 })]
    public void SequenceSet_Ranges_ContainExpectedNumbers(string text, long max, long[] expected)
    {
        var set = SequenceSet.Parse(text);
        Assert.Equal(expected, Enumerable.Range(1, (int)max).Select(i => (long)i).Where(i => set.Contains(i, max)));
    }

    [Fact]
    public void SequenceSet_Format_CompressesRuns()
    {
        Assert.Equal("1:3,7,9:10", SequenceSet.Format([10, 1, 2, 3, 7, 9]));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1:")]
    [InlineData("a")]
    public void SequenceSet_Invalid_Throws(string text)
    {
        Assert.Throws<ImapParseException>(() => SequenceSet.Parse(text));
    }

    [Fact]
    public void FetchItems_SectionsPartialsAndMacros_Parsed()
    {
        var items = FetchItem.ParseList(Reader("(UID BODY.PEEK[HEADER.FIELDS (From Subject)] BODY[1.2.MIME] BODY[]<0.100> BINARY[2] FAST)"));
        Assert.Equal(FetchKind.Uid, items[0].Kind);
        Assert.Equal("HEADER.FIELDS (From Subject)", items[1].Section);
        Assert.True(items[1].Peek);
        Assert.Equal("1.2.MIME", items[2].Section);
        Assert.False(items[2].Peek);
        Assert.True(items[2].SetsSeen);
        Assert.Equal("", items[3].Section);
        Assert.Equal(0, items[3].PartialStart);
        Assert.Equal(100, items[3].PartialLength);
        Assert.Equal(FetchKind.Binary, items[4].Kind);
        Assert.Equal(8, items.Count);
    }

    [Fact]
    public void FetchItems_Unknown_Throws()
    {
        Assert.Throws<ImapParseException>(() => FetchItem.ParseList(Reader("(UID BOGUS)")));
    }
}
