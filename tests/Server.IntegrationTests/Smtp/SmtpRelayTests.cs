using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

public sealed class SmtpRelayTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    private async Task<LineClient> InternetClientAsync(string listener = "smtp")
    {
        var client = await Server.ConnectSmtpAsync(listener, SmtpWorld.Internet);
        await client.ExpectAsync("EHLO client.example", "250");
        await client.ExpectAsync("MAIL FROM:<someone@sender.example>", "250");
        return client;
    }

    [Theory]
    [InlineData("alice@example.com", "250 2.1.5")]
    [InlineData("Alice@EXAMPLE.Com", "250 2.1.5")]
    [InlineData("sales@example.com", "250 2.1.5")]
    [InlineData("nobody@example.com", "550 5.1.1")]
    [InlineData("someone@remote.example", "554 5.7.1 Relay access denied")]
    [InlineData("someone@example.com.", "501 5.1.3")]
    [InlineData("someone@remote.example.", "501 5.1.3")]
    [InlineData("someone%remote.example@example.com", "550 5.1.1")]
    [InlineData("remote.example!someone@example.com", "550 5.1.1")]
    [InlineData("\"someone@remote.example\"@example.com", "550 5.1.1")]
    [InlineData("@example.com:someone@remote.example", "554 5.7.1")]
    [InlineData("@example.com,@other.example:alice@example.com", "250 2.1.5")]
    [InlineData("someone@[127.0.0.1]", "554 5.7.1")]
    [InlineData("someone@[IPv6:::1]", "554 5.7.1")]
    [InlineData("alice@example.com@remote.example", "501 5.1.3")]
    [InlineData("someone@denied.example", "550 5.7.1 No mail for denied.example here")]
    [InlineData("someone@partner.example", "530 5.7.0 Mail for partner.example only over TLS")]
    [InlineData("someone@x.allowed.example", "250 2.1.5")]
    [InlineData("someone@allowed.example", "554 5.7.1")]
    [InlineData("", "501 5.1.3")]
    public async Task Rcpt_FromInternet_FollowsRelayPolicy(string recipient, string expected)
    {
        await using var client = await InternetClientAsync();
        await client.ExpectAsync($"RCPT TO:<{recipient}>", expected);
    }

    [Fact]
    public async Task Rcpt_FromMyComputerRange_MayRelay()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.example>", "250");
        await client.ExpectAsync("RCPT TO:<someone@denied.example>", "550 5.7.1");
    }

    [Fact]
    public async Task Rcpt_PartnerOverTls_Accepted()
    {
        await using var client = await Server.ConnectSmtpAsync("smtp", SmtpWorld.Internet);
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("STARTTLS", "220");
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        await client.ExpectAsync("RCPT TO:<someone@partner.example>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.example>", "554 5.7.1");
    }

    [Fact]
    public async Task Rcpt_LocalFromRangeWithoutLocalDelivery_NeedsAuth()
    {
        await using var client = await Server.ConnectSmtpAsync("smtp", SmtpWorld.AuthOnly);
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "530 5.7.0");
        await client.ExpectAsync("RSET", "250");
        await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "bob@example.com", SmtpWorld.Password), "235 2.7.0");
        await client.ExpectAsync("MAIL FROM:<bob@example.com>", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.example>", "250");
    }

    [Fact]
    public async Task Submission_WithoutAuth_RefusesMail()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions");
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "530 5.7.0 Authentication required");
    }

    [Fact]
    public async Task Alias_ExpandsToTargets_WithLocalFlags()
    {
        await using var client = await InternetClientAsync();
        await client.ExpectAsync("RCPT TO:<sales@example.com>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.SendAsync("Subject: alias\r\n\r\nhi\r\n.\r\n");
        var reply = (await client.ReadSmtpReplyAsync())[^1];
        var (envelope, _) = await Server.QueuedAsync(reply);
        Assert.Equal(3, envelope.Recipients.Count);
        Assert.True(envelope.Recipients.Single(r => r.Address == "alice@example.com").IsLocal);
        Assert.True(envelope.Recipients.Single(r => r.Address == "bob@example.com").IsLocal);
        Assert.False(envelope.Recipients.Single(r => r.Address == "partner@remote.example").IsLocal);
    }

    [Fact]
    public async Task NonAsciiAddress_NeedsSmtpUtf8()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<jöran@b.example>", "553 5.6.7");
        await client.ExpectAsync("MAIL FROM:<jöran@b.example> SMTPUTF8", "250");
        await client.ExpectAsync("RCPT TO:<ünïcode@remote.example>", "250");
    }
}
