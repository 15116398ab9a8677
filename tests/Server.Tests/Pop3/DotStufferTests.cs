using System.Text;
using MailHost.Server.Pop3;

namespace MailHost.Server.Tests.Pop3;

public sealed class DotStufferTests
{
    [Fact]
    public void Stuff_LeadingDotsAndBareLf_StuffedWithCrlf()
    {
        var result = Encoding.ASCII.GetString(DotStuffer.Stuff(Encoding.ASCII.GetBytes("Subject: x\n\n.hidden\n..two\nend")));
        Assert.Equal("Subject: x\r\n\r\n..hidden\r\n...two\r\nend\r\n", result);
    }

    [Fact]
    public void Stuff_TopWithLines_HeaderPlusFirstLines()
    {
        var message = Encoding.ASCII.GetBytes("A: 1\r\nB: 2\r\n\r\nl1\r\nl2\r\nl3\r\n");
        Assert.Equal("A: 1\r\nB: 2\r\n\r\nl1\r\n", Encoding.ASCII.GetString(DotStuffer.Stuff(message, 1)));
        Assert.Equal("A: 1\r\nB: 2\r\n\r\n", Encoding.ASCII.GetString(DotStuffer.Stuff(message, 0)));
    }
}
