using MailHost.Server.Imap;

namespace MailHost.Server.Tests.Imap;

/// <summary>RFC 5256 §2.1 base-subject extraction, step by step.</summary>
public sealed class BaseSubjectTests
{
    [Theory]
    [InlineData("Hello world", "Hello world", false)]
    [InlineData("Re: Hello", "Hello", true)]
    [InlineData("RE: re: Fwd: Hello", "Hello", true)]
    [InlineData("Fw: Hello", "Hello", true)]
    [InlineData("re : Hello", "Hello", true)]
    [InlineData("Re[2]: Hello", "Hello", true)]
    [InlineData("[list] Re: Hello", "Hello", true)]
    [InlineData("[list] Hello", "Hello", false)]
    [InlineData("Re: [list] Re: Hello", "Hello", true)]
    // Step 4: a blob stays when nothing would be left after it.
    [InlineData("[only a blob]", "[only a blob]", false)]
    [InlineData("Re: [only a blob]", "[only a blob]", true)]
    // Step 2: trailers.
    [InlineData("Hello (fwd)", "Hello", false)]
    [InlineData("Hello (fwd) (FWD)  ", "Hello", false)]
    // Step 6: [fwd: ...] wrapper, then again from step 2.
    [InlineData("[Fwd: Re: Hello (fwd)]", "Hello", true)]
    [InlineData("Re: [fwd: [list] Hello]", "Hello", true)]
    // Step 1: whitespace collapsed.
    [InlineData("  Hello \t  big\r\n world ", "Hello big world", false)]
    [InlineData("", "", false)]
    [InlineData("Re:", "", true)]
    // Not leaders: "re" without a colon, "Reply:".
    [InlineData("Rework: plan", "Rework: plan", false)]
    [InlineData("Re plan", "Re plan", false)]
    public void Extract_FollowsRfc5256(string subject, string expected, bool isReply)
    {
        var (b, reply) = BaseSubject.Extract(subject);
        Assert.Equal(expected, b);
        Assert.Equal(isReply, reply);
    }
}
