using MailHost.Server.Auth;

namespace MailHost.Server.Tests.Smtp;

public sealed class SaslTests
{
    [Fact]
    public void Plain_RoundTrips()
    {
        Assert.True(SaslPlain.TryDecode(SaslPlain.Encode("", "alice@example.com", "p\u00e4ss"), out var authz, out var user, out var pw));
        Assert.Equal(("", "alice@example.com", "p\u00e4ss"), (authz, user, pw));
    }

    [Fact]
    public void Plain_Rfc4616Example() // RFC 4616 §4: "\0tim\0tanstaaftanstaaf"
    {
        Assert.True(SaslPlain.TryDecode("AHRpbQB0YW5zdGFhZnRhbnN0YWFm", out var authz, out var user, out var pw));
        Assert.Equal(("", "tim", "tanstaaftanstaaf"), (authz, user, pw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("=")]
    [InlineData("not base64!")]
    [InlineData("dGlt")] // "tim": no NULs
    [InlineData("AHRpbQA=")] // empty password
    [InlineData("AAB0YW5zdGFhZg==")] // empty user
    [InlineData("AP90aW0AcHc=")] // invalid UTF-8
    public void Plain_Malformed_Refused(string input) => Assert.False(SaslPlain.TryDecode(input, out _, out _, out _));

    [Fact]
    public void Login_Decodes() => Assert.True(SaslLogin.TryDecode("YWxpY2U=", out var v) && v == "alice");
}
