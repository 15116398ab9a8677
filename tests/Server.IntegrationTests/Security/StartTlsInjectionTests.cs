using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// STARTTLS command injection (CVE-2011-0411 class): commands pipelined in the same plaintext packet
/// as STARTTLS/STLS must never run as if they had arrived over TLS. SMTP (EHLO/MAIL) and IMAP (LOGIN)
/// are covered in Smtp/SmtpTlsTests and Imap/ImapPolicyTests; this adds POP3, SMTP AUTH, and the
/// check that no pre-TLS state survives the handshake.
/// </summary>
public sealed class StartTlsInjectionTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly string PlainAlice = SaslPlain.Encode("", "alice@example.com", SecurityWorld.Password);
    private SecurityServer Server => fixture.Server;

    [Fact]
    public async Task Pop3_StlsWithPipelinedUser_Refused_AndUserDoesNotSurviveTls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Pop3OptPort, IPAddress.Loopback);
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        await c.SendAsync("STLS\r\nUSER alice@example.com\r\n");
        Assert.StartsWith("-ERR", await c.ReadLineAsync());
        // The USER line is answered in plaintext (it was sent in plaintext), never after a handshake.
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        Assert.Null(c.Tls);
        Assert.StartsWith("+OK", await LineOf(c, "STLS"));
        await c.UpgradeToTlsAsync();
        // RFC 2595 §4: the client must discard what it knew; the server forgets the plaintext USER.
        Assert.StartsWith("-ERR", await LineOf(c, "PASS pw"));
        Assert.StartsWith("+OK", await LineOf(c, "USER alice@example.com"));
        Assert.StartsWith("+OK", await LineOf(c, "PASS pw"));
    }

    [Fact]
    public async Task Pop3_StlsWithPipelinedCredentials_FromRangeRequiringTls_NeverAuthenticates()
    {
        await using var c = await LineClient.ConnectAsync(Server.Port("pop3"), SecurityWorld.RequiresTls);
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        await c.SendAsync("STLS\r\nUSER alice@example.com\r\nPASS pw\r\nSTAT\r\n");
        Assert.StartsWith("-ERR", await c.ReadLineAsync());
        Assert.StartsWith("-ERR", await c.ReadLineAsync());
        Assert.StartsWith("-ERR", await c.ReadLineAsync());
        Assert.StartsWith("-ERR", await c.ReadLineAsync());
        Assert.StartsWith("+OK", await LineOf(c, "STLS"));
        await c.UpgradeToTlsAsync();
        Assert.StartsWith("-ERR", await LineOf(c, "STAT"));
    }

    [Fact]
    public async Task Smtp_StartTlsWithPipelinedAuth_AuthDoesNotRun()
    {
        await using var client = await Server.ConnectSmtpAsync("submission", IPAddress.Loopback);
        await client.ExpectAsync("EHLO x", "250");
        await client.SendAsync("STARTTLS\r\nAUTH PLAIN " + PlainAlice + "\r\nMAIL FROM:<alice@example.com>\r\n");
        Assert.StartsWith("220", (await client.ReadSmtpReplyAsync())[^1]);
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync("EHLO x", "250");
        // Had the injected AUTH run, MAIL would be accepted on the submission listener.
        await client.ExpectAsync("MAIL FROM:<alice@example.com>", "530 5.7.0");
        await client.ExpectAsync("AUTH PLAIN " + PlainAlice, "235");
    }

    [Fact]
    public async Task Imap_StartTlsWithPipelinedLogin_OnOptionalListener_NotCarriedIntoTls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.ImapOptPort, SecurityWorld.RequiresTls);
        await c.ReadLineAsync();
        await c.SendAsync("a STARTTLS\r\nb LOGIN alice@example.com pw\r\n");
        Assert.StartsWith("a BAD", (await c.UntilTaggedAsync("a"))[^1]);
        Assert.StartsWith("b NO", (await c.UntilTaggedAsync("b"))[^1]);
        Assert.StartsWith("c OK", (await c.CommandAsync("c", "STARTTLS"))[^1]);
        await c.UpgradeToTlsAsync();
        // Not authenticated: the pipelined LOGIN did not carry over.
        Assert.DoesNotMatch("^d OK", (await c.CommandAsync("d", "SELECT INBOX"))[^1]);
    }

    private static async Task<string> LineOf(LineClient c, string command)
    {
        await c.SendLineAsync(command);
        return await c.ReadLineAsync() ?? "";
    }
}
