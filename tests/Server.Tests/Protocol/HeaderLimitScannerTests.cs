using System.Text;
using MailHost.Server.Protocol;

namespace MailHost.Server.Tests.Protocol;

public sealed class HeaderLimitScannerTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Theory]
    [InlineData("Subject: hi\r\nFrom: a@b.example\r\n\r\nbody\r\n")]
    [InlineData("Subject: hi\nFrom: a@b.example\n\nbody\n")] // bare LF, as APPEND may carry
    [InlineData("\r\nbody only\r\n")]
    [InlineData("Subject: all header, no body")]
    public void Check_NormalMessage_Passes(string message) =>
        Assert.Equal(HeaderVerdict.Passed, new HeaderLimitScanner(1024, 100).Check(Ascii(message)));

    [Fact]
    public void Feed_FoldedHeaderOverSectionLimit_RefusedBeforeTheEnd()
    {
        var scanner = new HeaderLimitScanner(1024, 100);
        var fold = Ascii(" folded continuation line of a single header field\r\n");
        Assert.Equal(HeaderVerdict.NeedMore, scanner.Feed(Ascii("X-Big: start\r\n")));
        var fed = 0;
        while (scanner.Feed(fold) == HeaderVerdict.NeedMore)
        {
            fed += fold.Length;
        }
        Assert.Equal(HeaderVerdict.SectionTooLarge, scanner.Verdict);
        Assert.InRange(fed, 900, 1024);
        Assert.Equal("Message header section exceeds the limit of 1 KB", scanner.RefusalText);
    }

    [Fact]
    public void Feed_LongLineInOneByteChunks_RefusedAtTheLimit()
    {
        var scanner = new HeaderLimitScanner(100_000, 998);
        var line = Ascii("X-Long: " + new string('a', 990) + "b"); // 999 bytes without CRLF
        for (var i = 0; i < line.Length - 1; i++)
        {
            Assert.Equal(HeaderVerdict.NeedMore, scanner.Feed(line.AsSpan(i, 1)));
        }
        Assert.Equal(HeaderVerdict.LineTooLong, scanner.Feed(line.AsSpan(line.Length - 1, 1)));
        Assert.Equal("Message header line exceeds the limit of 998 bytes", scanner.RefusalText);
    }

    [Fact]
    public void Check_LineOfExactlyTheLimit_CrlfNotCounted_Passes()
    {
        var message = "X-Long: " + new string('a', 990) + "\r\n\r\nbody";
        Assert.Equal(HeaderVerdict.Passed, new HeaderLimitScanner(100_000, 998).Check(Ascii(message)));
    }

    [Fact]
    public void Feed_CrlfSplitAcrossChunks_EndsTheSection()
    {
        var scanner = new HeaderLimitScanner(40, 100);
        Assert.Equal(HeaderVerdict.NeedMore, scanner.Feed(Ascii("Subject: split\r\n\r")));
        Assert.Equal(HeaderVerdict.Passed, scanner.Feed(Ascii("\n" + new string('x', 500))));
    }

    [Fact]
    public void Check_BodyLargerThanTheLimit_IsNotCounted()
    {
        var message = "Subject: small\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 900) + "\r\n", 50));
        Assert.Equal(HeaderVerdict.Passed, new HeaderLimitScanner(1024, 100).Check(Ascii(message)));
    }

    [Fact]
    public void Check_HeaderSectionOneByteOverTheLimit_Refused()
    {
        var header = "Subject: " + new string('s', 20) + "\r\n"; // 31 bytes
        Assert.Equal(HeaderVerdict.Passed, new HeaderLimitScanner(31, 100).Check(Ascii(header + "\r\nbody")));
        Assert.Equal(HeaderVerdict.SectionTooLarge, new HeaderLimitScanner(30, 100).Check(Ascii(header + "\r\nbody")));
    }
}
