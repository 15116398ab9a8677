using MailHost.Server.Smtp;

namespace MailHost.Server.Tests.Smtp;

public sealed class SmtpStateTableTests
{
    [Theory]
    [InlineData("MAIL", SmtpState.Connected, false, "503")]
    [InlineData("MAIL", SmtpState.Ready, false, null)]
    [InlineData("MAIL", SmtpState.Transaction, false, "503")]
    [InlineData("RCPT", SmtpState.Ready, false, "503")]
    [InlineData("RCPT", SmtpState.Transaction, false, null)]
    [InlineData("AUTH", SmtpState.Transaction, false, "503")]
    [InlineData("STARTTLS", SmtpState.Transaction, false, "503")]
    [InlineData("MAIL", SmtpState.Ready, true, "530")]
    [InlineData("VRFY", SmtpState.Connected, true, "530")]
    [InlineData("AUTH", SmtpState.Ready, true, "530")]
    [InlineData("EHLO", SmtpState.Connected, true, null)]
    [InlineData("STARTTLS", SmtpState.Ready, true, null)]
    [InlineData("NOOP", SmtpState.Transaction, true, null)]
    [InlineData("RSET", SmtpState.Transaction, true, null)]
    [InlineData("QUIT", SmtpState.Connected, true, null)]
    [InlineData("XYZ", SmtpState.Ready, false, "500")]
    internal void Check(string verb, SmtpState state, bool tlsMissing, string? expected)
    {
        var reply = SmtpStateTable.Check(verb, state, tlsMissing);
        Assert.Equal(expected, reply?.Code.ToString());
    }

    [Fact]
    public void Reply_FormatsMultiLine_AndStripsCr()
    {
        Assert.Equal("250-a\r\n250 b\r\n", new SmtpReply(250, "", "a\nb").Format());
        Assert.Equal("550 5.7.1 x y\r\n", new SmtpReply(550, "5.7.1", "x\ry").Format().Replace("xy", "x y"));
        Assert.Equal("550 5.7.1 text\r\n", new SmtpReply(550, "5.7.1", "text").Format());
    }

    [Fact]
    public void HeaderProbe_FindsMessageId_InHeadersOnly()
    {
        var probe = new HeaderProbe();
        probe.Append("Subject: x\r\nMessage-Id:\r\n <abc@d>\r\n\r\nMessage-ID: <body@x>\r\n"u8);
        Assert.Equal("<abc@d>", probe.FindMessageId());
        var none = new HeaderProbe();
        none.Append("Subject: x\r\n\r\nMessage-ID: <body@x>\r\n"u8);
        Assert.Null(none.FindMessageId());
    }
}
