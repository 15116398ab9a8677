using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Mime;

namespace MailHost.Server.Tests.Mime;

public sealed class MimeParserTests
{
    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s.ReplaceLineEndings("\r\n"));

    // RFC 2047 §8 examples.
    [Theory]
    [InlineData("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>", "Keld Jørn Simonsen <keld@dkuug.dk>")]
    [InlineData("=?ISO-8859-1?Q?a?= b", "a b")]
    [InlineData("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab")]
    [InlineData("=?ISO-8859-1?Q?a?=  \r\n   =?ISO-8859-1?Q?b?=", "ab")]
    [InlineData("=?ISO-8859-1?Q?a_b?=", "a b")]
    [InlineData("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b")]
    [InlineData("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>", "Keith Moore <moore@cs.utk.edu>")]
    [InlineData("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=", "If you can read this yo")]
    [InlineData("=?utf-8?b?Y2Fmw6k=?=", "café")]
    [InlineData("=?x-unknown?q?abc?=", "abc")] // MimeKit reads an unknown charset as UTF-8: the text stays searchable
    [InlineData("=?utf-8?q?broken", "=?utf-8?q?broken")]
    [InlineData("plain text", "plain text")]
    [InlineData("=?windows-1252?Q?=93quoted=94_=80?=", "\u201cquoted\u201d \u20ac")]
    [InlineData("=?koi8-r?B?8NLJ18XU?=", "\u041f\u0440\u0438\u0432\u0435\u0442")]
    public void EncodedWords_Rfc2047Examples_Decoded(string raw, string expected)
    {
        Assert.Equal(expected, EncodedWords.Decode(raw));
    }

    [Fact]
    public void Headers_FoldedAndUtf8_Unfolded()
    {
        var headers = HeaderParser.Parse(Bytes("Subject: This is a test\n  of folding\nX-Ünï: värde\nbroken line without colon\nTo: a@b\n\nbody"));
        Assert.Equal(3, headers.Count);
        Assert.Equal("This is a test  of folding", headers[0].Value);
        Assert.Equal("värde", headers[1].Value);
        Assert.Equal("a@b", headers[2].Value);
    }

    [Fact]
    public void Parse_Rfc2046Multipart_PreambleEpilogueAndPartsSeparated()
    {
        // RFC 2046 §5.1.1 example.
        var message = Bytes("""
            From: Nathaniel Borenstein <nsb@bellcore.com>
            To: Ned Freed <ned@innosoft.com>
            Subject: Sample message
            MIME-Version: 1.0
            Content-type: multipart/mixed; boundary="simple boundary"

            This is the preamble.  It is to be ignored, though it
            is a handy place for composition agents to include an
            explanatory note to non-MIME conformant readers.

            --simple boundary

            This is implicitly typed plain US-ASCII text.
            It does NOT end with a linebreak.
            --simple boundary
            Content-type: text/plain; charset=us-ascii

            This is explicitly typed plain US-ASCII text.
            It DOES end with a linebreak.

            --simple boundary--

            This is the epilogue.  It is also to be ignored.
            """);
        var root = MimeParser.Parse(message);
        Assert.True(root.IsMultipart);
        Assert.Equal(2, root.Children.Count);
        Assert.Equal("This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.", Encoding.ASCII.GetString(SectionExtractor.Extract(message, root, "1")));
        Assert.Equal("This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n", Encoding.ASCII.GetString(SectionExtractor.Extract(message, root, "2")));
        Assert.Equal("us-ascii", root.Children[1].ContentType.Get("charset"));
        Assert.Equal("plain", root.Children[0].MediaSubtype);
    }

    [Fact]
    public void Parse_MissingClosingBoundary_LastPartRunsToEnd()
    {
        var message = Bytes("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b\n\ntwo, truncated");
        var root = MimeParser.Parse(message);
        Assert.Equal(2, root.Children.Count);
        Assert.Equal("two, truncated", Encoding.ASCII.GetString(SectionExtractor.Extract(message, root, "2")));
    }

    [Fact]
    public void Parse_NoBlankLine_WholeMessageIsHeader()
    {
        var root = MimeParser.Parse(Bytes("Subject: only headers"));
        Assert.Equal(0, root.BodyLength);
        Assert.Equal("only headers", root.Header("subject"));
    }

    [Fact]
    public void Parse_DeepNesting_CappedWithoutStackOverflow()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n");
        }
        var root = MimeParser.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.True(root.IsMultipart);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrows()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            var text = Encoding.Latin1.GetBytes("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n" + Encoding.Latin1.GetString(bytes));
            var root = MimeParser.Parse(text);
            var r = new ImapResponse();
            BodyStructureFormatter.Write(r, root, text, extensions: true);
            EnvelopeFormatter.Write(r, root);
        }
    }

    [Fact]
    public void ContentType_Rfc2231Continuations_Joined()
    {
        var p = HeaderParameters.Parse("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"");
        Assert.Equal("application/x-stuff", p.Value);
        Assert.Equal("This is even more ***fun*** isn't it!", p.Get("title"));
    }

    [Fact]
    public void Addresses_Rfc5322Examples_Parsed()
    {
        var list = AddressParser.Parse("\"Joe Q. Public\" <john.q.public@example.com>, Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>");
        Assert.Equal(["Joe Q. Public", "Mary Smith", null, "Who?"], list.Select(a => a.Name));
        Assert.Equal(["john.q.public@example.com", "mary@x.test", "jdoe@example.org", "one@y.test"], list.Select(a => a.Address));
        var group = AddressParser.Parse("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Undisclosed recipients:;");
        Assert.True(group[0].GroupStart);
        Assert.Equal("A Group", group[0].Name);
        Assert.Equal("c@a.test", group[1].Address);
        Assert.True(group[4].GroupEnd);
        Assert.True(group[5].GroupStart);
        Assert.True(group[6].GroupEnd);
    }

    [Fact]
    public void Envelope_Rfc9051Shape_SenderAndReplyToDefaultToFrom()
    {
        var message = Bytes("Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\nFrom: Terry Gray <gray@cac.washington.edu>\nSubject: IMAP4rev2 WG mtg summary and minutes\nTo: imap@cac.washington.edu\ncc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\nMessage-Id: <B27397-0100000@cac.washington.edu>\n\nbody");
        var r = new ImapResponse();
        EnvelopeFormatter.Write(r, MimeParser.Parse(message));
        var text = Encoding.UTF8.GetString(r.Written.Span);
        Assert.Equal("(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\")", text);
    }

    [Fact]
    public void TransferEncoding_QuotedPrintableSoftBreaksAndBase64_Decoded()
    {
        Assert.Equal("Now's the time for all folk to come to the aid of their country.", Encoding.ASCII.GetString(TransferEncoding.DecodeQuotedPrintable(Encoding.ASCII.GetBytes("Now's the time =\r\nfor all folk to come=\r\n to the aid of their country."))));
        Assert.Equal("caf\u00e9", Encoding.UTF8.GetString(TransferEncoding.DecodeQuotedPrintable(Encoding.ASCII.GetBytes("caf=C3=A9"))));
        Assert.Equal("hello world", Encoding.ASCII.GetString(TransferEncoding.DecodeBase64(Encoding.ASCII.GetBytes("aGVsbG8g\r\nd29ybGQ="))));
    }

    [Theory]
    [InlineData("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", 1996, 7, 17, -7)]
    [InlineData("1 Jan 26 10:00 +0100", 2026, 1, 1, 1)]
    public void SearchDates_Rfc5322Dates_ParsedByMimeKit(string text, int year, int month, int day, int offsetHours)
    {
        // SEARCH SENTBEFORE/SENTON/SENTSINCE read the Date field through MimeKit's parser.
        Assert.True(MimeKit.Utils.DateUtils.TryParse(text, out var date));
        Assert.Equal((year, month, day, TimeSpan.FromHours(offsetHours)), (date.Year, date.Month, date.Day, date.Offset));
    }
}
