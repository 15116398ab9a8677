using MailHost.Server.Policy;
using MailHost.Server.Smtp;

namespace MailHost.Server.Tests.Smtp;

public sealed class SmtpPathParserTests
{
    [Theory]
    [InlineData("alice@example.com", "alice", "example.com", false)]
    [InlineData("Alice.B+tag@Example.COM", "Alice.B+tag", "Example.COM", false)]
    [InlineData("\"a b@c\"@example.com", "a b@c", "example.com", false)]
    [InlineData("\"a\\\"b\"@example.com", "a\"b", "example.com", false)]
    [InlineData("@relay.example,@other.example:alice@example.com", "alice", "example.com", false)]
    [InlineData("user@[192.0.2.1]", "user", "[192.0.2.1]", true)]
    [InlineData("user@[IPv6:2001:db8::1]", "user", "[IPv6:2001:db8::1]", true)]
    [InlineData("user%remote@example.com", "user%remote", "example.com", false)]
    public void TryParse_Valid(string path, string local, string domain, bool literal)
    {
        Assert.True(SmtpPathParser.TryParse(path, false, out var mailbox, out var error), error);
        Assert.Equal(local, mailbox!.LocalPart);
        Assert.Equal(domain, mailbox.Domain);
        Assert.Equal(literal, mailbox.IsAddressLiteral);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("alice@")]
    [InlineData("@example.com")]
    [InlineData("alice@example.com.")]
    [InlineData("alice@.example.com")]
    [InlineData("alice@exa mple.com")]
    [InlineData(".alice@example.com")]
    [InlineData("al..ice@example.com")]
    [InlineData("alice@example.com@other.example")]
    [InlineData("alice@-bad.example")]
    [InlineData("alice@[300.1.1.1]")]
    [InlineData("alice@[1.2.3]")]
    [InlineData("\"unterminated@example.com")]
    [InlineData("@relay.example:alice")]
    [InlineData("@:alice@example.com")]
    [InlineData("jöran@example.com")]
    public void TryParse_Invalid(string path) => Assert.False(SmtpPathParser.TryParse(path, false, out _, out _));

    [Fact]
    public void TryParse_Utf8_OnlyWhenAllowed()
    {
        Assert.True(SmtpPathParser.TryParse("jöran@bücher.example", true, out var m, out _));
        Assert.False(m!.IsAscii);
    }

    [Fact]
    public void TryParse_LocalPartOver64Octets_Refused() =>
        Assert.False(SmtpPathParser.TryParse(new string('a', 65) + "@example.com", false, out _, out _));

    [Fact]
    public void HasRoutingCharacters_CatchesPercentBangAndQuotedAt()
    {
        foreach (var path in new[] { "a%b@example.com", "b!a@example.com", "\"a@b\"@example.com" })
        {
            Assert.True(SmtpPathParser.TryParse(path, false, out var m, out _));
            Assert.True(m!.HasRoutingCharacters, path);
        }
    }

    [Theory]
    [InlineData("FROM:<a@b.example>", "a@b.example", 0)]
    [InlineData("from: <a@b.example> SIZE=10 BODY=8BITMIME", "a@b.example", 2)]
    [InlineData("FROM:<>", "", 0)]
    [InlineData("FROM:<\"a>b\"@c.example> SMTPUTF8", "\"a>b\"@c.example", 1)]
    public void PathArgument_Parses(string argument, string path, int parameters)
    {
        Assert.True(SmtpPathArgument.TryParse(argument, "FROM", out var parsed));
        Assert.Equal(path, parsed!.Path);
        Assert.Equal(parameters, parsed.Parameters.Count);
    }

    [Theory]
    [InlineData("FROM:a@b.example")]
    [InlineData("TO:<a@b.example>")]
    [InlineData("FROM:<a@b.example")]
    [InlineData("FROM:<a@b.example>SIZE=1")]
    [InlineData("FROM:<a@b.example> =1")]
    public void PathArgument_Refuses(string argument) => Assert.False(SmtpPathArgument.TryParse(argument, "FROM", out _));
}
