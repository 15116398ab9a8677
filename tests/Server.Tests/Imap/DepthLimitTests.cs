using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Mime;
using MailHost.Server.Storage;

namespace MailHost.Server.Tests.Imap;

/// <summary>
/// Every recursive parser in IMAP and MIME meets 100,000-deep input: the answer is a parse error
/// (the session's BAD) or a capped tree, never a stack overflow, which .NET cannot catch and which
/// would end the whole process with every user's sessions.
/// </summary>
public sealed class DepthLimitTests
{
    private const int Deep = 100_000;

    private static SearchQuery Search(string keys) => SearchQuery.ParseWithPrefix(new ImapReader(Encoding.ASCII.GetBytes(keys)), out _, out _);

    private static bool Matches(SearchQuery query)
    {
        var entry = new MessageEntry(1, 100, DateTimeOffset.UnixEpoch, ["\\Seen"], "", 1);
        return query.Match(new SearchCandidate(entry, 1, 1, 1));
    }

    [Fact]
    public void Search_100000NestedParentheses_ParseError()
    {
        var ex = Assert.Throws<ImapParseException>(() => Search(new string('(', Deep) + "ALL" + new string(')', Deep)));
        Assert.Contains("nested too deeply", ex.Message);
    }

    [Fact]
    public void Search_100000Nots_ParseError()
    {
        Assert.Throws<ImapParseException>(() => Search(string.Concat(Enumerable.Repeat("NOT ", Deep)) + "ALL"));
    }

    [Fact]
    public void Search_100000OrChain_ParseError()
    {
        Assert.Throws<ImapParseException>(() => Search(string.Concat(Enumerable.Repeat("OR SEEN ", Deep)) + "ALL"));
    }

    [Fact]
    public void Search_JustUnderTheLimit_ParsesAndMatches()
    {
        var depth = SearchQuery.MaxDepth - 1;
        Assert.True(Matches(Search(new string('(', depth) + "SEEN" + new string(')', depth))));
        Assert.False(Matches(Search(string.Concat(Enumerable.Repeat("NOT ", depth)) + "SEEN")));
        Assert.True(Matches(Search(string.Concat(Enumerable.Repeat("OR DELETED ", depth)) + "SEEN")));
        // Wide is not deep: 100,000 keys side by side are one AND, no recursion.
        Assert.True(Matches(Search(string.Join(' ', Enumerable.Repeat("SEEN", Deep)))));
    }

    [Fact]
    public void Fetch_SectionPath100000PartsDeep_ParseError()
    {
        var path = string.Join('.', Enumerable.Repeat("1", Deep));
        foreach (var item in new[] { $"BODY[{path}]", $"BODY.PEEK[{path}.HEADER]", $"BINARY[{path}]", $"BINARY.SIZE[{path}]" })
        {
            Assert.Throws<ImapParseException>(() => FetchItem.ParseList(new ImapReader(Encoding.ASCII.GetBytes(item))));
        }
    }

    [Fact]
    public void SectionExtractor_PathDeeperThanLimit_ParseError()
    {
        var root = MimeParser.Parse("Subject: x\r\n\r\nbody\r\n"u8.ToArray());
        Assert.Throws<ImapParseException>(() => SectionExtractor.Extract("Subject: x\r\n\r\nbody\r\n"u8.ToArray(), root, string.Join('.', Enumerable.Repeat("1", Deep))));
    }

    [Fact]
    public void Fetch_1000RepeatedItems_ParseError()
    {
        var list = "(" + string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", 1000)) + ")";
        var ex = Assert.Throws<ImapParseException>(() => FetchItem.ParseList(new ImapReader(Encoding.ASCII.GetBytes(list))));
        Assert.Contains("too many FETCH items", ex.Message);
        var allowed = "(" + string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", FetchItem.MaxItems)) + ")";
        Assert.Equal(FetchItem.MaxItems, FetchItem.ParseList(new ImapReader(Encoding.ASCII.GetBytes(allowed))).Count);
    }

    [Fact]
    public void Mime_100000NestedMultiparts_TreeCappedAndFormatted()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Deep; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n");
        }
        sb.Append("\r\ninnermost\r\n");
        var message = Encoding.ASCII.GetBytes(sb.ToString());
        var root = MimeParser.Parse(message);
        Assert.InRange(Depth(root), 2, FetchItem.MaxSectionParts);
        var response = new ImapResponse();
        BodyStructureFormatter.Write(response, root, message, extensions: true);
        EnvelopeFormatter.Write(response, root);
        Assert.True(response.Length > 0);
    }

    [Fact]
    public void Mime_100000NestedRfc822Messages_TreeCappedAndFormatted()
    {
        var message = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Content-Type: message/rfc822\r\n\r\n", Deep)) + "Subject: inner\r\n\r\nbody\r\n");
        var root = MimeParser.Parse(message);
        Assert.InRange(Depth(root), 2, FetchItem.MaxSectionParts);
        var response = new ImapResponse();
        BodyStructureFormatter.Write(response, root, message, extensions: true);
        Assert.True(response.Length > 0);
    }

    [Fact]
    public void Addresses_100000NestedCommentsAndGroups_Parsed()
    {
        var comments = "Alice " + new string('(', Deep) + new string(')', Deep) + " <alice@example.com>";
        Assert.Equal("alice@example.com", Assert.Single(AddressParser.Parse(comments)).Address);
        var groups = string.Concat(Enumerable.Repeat("g: ", Deep)) + "a@b.example;";
        Assert.NotEmpty(AddressParser.Parse(groups));
        var angles = new string('<', Deep) + "a@b.example" + new string('>', Deep);
        _ = AddressParser.Parse(angles);
    }

    private static int Depth(MimeEntity e) =>
        1 + Math.Max(e.Children.Count == 0 ? 0 : e.Children.Max(Depth), e.Message is null ? 0 : Depth(e.Message));
}
