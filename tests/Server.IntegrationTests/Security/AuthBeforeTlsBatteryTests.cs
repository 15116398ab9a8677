using System.Net;
using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Plaintext authentication is neither offered nor accepted from a range that requires TLS for
/// AUTH (127.0.0.2), on every protocol, on listeners where STARTTLS is optional (so the range rule is
/// the only thing refusing); from "My computer" (127.0.0.1, no such rule) the same listeners accept it.
/// Every refused attempt uses the right password: a refusal is not a wrong-password failure.
/// </summary>
public sealed class AuthBeforeTlsBatteryTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly IPAddress MyComputer = IPAddress.Loopback;
    private static readonly string PlainAlice = SaslPlain.Encode("", "alice@example.com", SecurityWorld.Password);
    private SecurityServer Server => fixture.Server;

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task Listeners_UnderTest_HaveOptionalStartTls_AndRangesAreAsExpected()
    {
        var snapshot = await Server.LoadSnapshotAsync();
        Assert.Equal(TlsMode.StartTlsOptional, snapshot.Listeners.Single(l => l.Name == "smtp").TlsMode);
        Assert.Equal(TlsMode.StartTlsOptional, snapshot.Listeners.Single(l => l.Name == "imap-opt").TlsMode);
        Assert.Equal(TlsMode.StartTlsOptional, snapshot.Listeners.Single(l => l.Name == "pop3-opt").TlsMode);
        Assert.True(snapshot.MatchRange(SecurityWorld.RequiresTls, DateTime.UtcNow)!.RequireTlsForAuth);
        Assert.False(snapshot.MatchRange(MyComputer, DateTime.UtcNow)!.RequireTlsForAuth);
    }

    [Fact]
    public async Task Smtp_FromRangeRequiringTls_AuthNeitherOfferedNorAccepted()
    {
        await using var client = await Server.ConnectSmtpAsync("smtp", SecurityWorld.RequiresTls);
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.DoesNotContain(ehlo, l => l.Contains("AUTH", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("250-STARTTLS", ehlo);
        await client.ExpectAsync("AUTH PLAIN " + PlainAlice, "538 5.7.11");
        // No SASL exchange may start either: a 334 would invite the password in clear.
        await client.ExpectAsync("AUTH PLAIN", "538 5.7.11");
        await client.ExpectAsync("AUTH LOGIN", "538 5.7.11");
        await client.ExpectAsync("AUTH LOGIN " + B64("alice@example.com"), "538 5.7.11");
        await client.ExpectAsync("HELO x", "250");
        await client.ExpectAsync("AUTH PLAIN " + PlainAlice, "538 5.7.11");
        // Still refused as unauthenticated: relay stays closed.
        await client.ExpectAsync("MAIL FROM:<alice@example.com>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.test>", "554 5.7.1");
        await client.ExpectAsync("RSET", "250");
        await client.ExpectAsync("STARTTLS", "220");
        await client.UpgradeToTlsAsync();
        Assert.Contains(await client.ExpectAsync("EHLO x", "250"), l => l.StartsWith("250-AUTH PLAIN LOGIN", StringComparison.Ordinal));
        await client.ExpectAsync("AUTH PLAIN " + PlainAlice, "235");
    }

    [Fact]
    public async Task Smtp_FromMyComputer_PlaintextAuthOfferedAndAccepted()
    {
        await using var client = await Server.ConnectSmtpAsync("smtp", MyComputer);
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.Contains(ehlo, l => l.StartsWith("250-AUTH PLAIN LOGIN", StringComparison.Ordinal));
        await client.ExpectAsync("AUTH PLAIN " + PlainAlice, "235");
    }

    [Fact]
    public async Task Imap_FromRangeRequiringTls_LoginAndAuthenticateRefusedBeforeStartTls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.ImapOptPort, SecurityWorld.RequiresTls);
        var greeting = await c.ReadLineAsync();
        Assert.Contains("LOGINDISABLED", greeting);
        Assert.DoesNotContain("AUTH=", greeting);
        var caps = await c.CommandAsync("a", "CAPABILITY");
        Assert.Contains("LOGINDISABLED", caps[0]);
        Assert.Contains("STARTTLS", caps[0]);
        Assert.DoesNotContain("AUTH=", caps[0]);
        Assert.StartsWith("b NO", (await c.CommandAsync("b", "LOGIN alice@example.com pw"))[^1]);
        Assert.StartsWith("c NO", (await c.CommandAsync("c", "LOGIN \"alice@example.com\" {2+}\r\npw"))[^1]);
        Assert.StartsWith("d NO", (await c.CommandAsync("d", "AUTHENTICATE PLAIN " + PlainAlice))[^1]);
        // Without an initial response the server must refuse at once, not send "+" and wait for the secret.
        await c.SendLineAsync("e AUTHENTICATE PLAIN");
        Assert.StartsWith("e NO", await c.ReadLineAsync());
        await c.SendLineAsync("f AUTHENTICATE LOGIN");
        var login = await c.ReadLineAsync();
        Assert.True(login!.StartsWith("f NO", StringComparison.Ordinal) || login.StartsWith("f BAD", StringComparison.Ordinal), login);
        Assert.DoesNotMatch("^g OK", (await c.CommandAsync("g", "SELECT INBOX"))[^1]);
        Assert.StartsWith("s OK", (await c.CommandAsync("s", "STARTTLS"))[^1]);
        await c.UpgradeToTlsAsync();
        Assert.StartsWith("h OK", (await c.CommandAsync("h", "LOGIN alice@example.com pw"))[^1]);
    }

    [Fact]
    public async Task Imap_FromMyComputer_PlaintextLoginAccepted()
    {
        await using var c = await LineClient.ConnectAsync(fixture.ImapOptPort, MyComputer);
        var greeting = await c.ReadLineAsync();
        Assert.DoesNotContain("LOGINDISABLED", greeting);
        Assert.Contains("AUTH=PLAIN", greeting);
        Assert.StartsWith("a OK", (await c.CommandAsync("a", "LOGIN alice@example.com pw"))[^1]);
    }

    [Fact]
    public async Task Pop3_FromRangeRequiringTls_UserPassAndAuthRefusedBeforeStls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Pop3OptPort, SecurityWorld.RequiresTls);
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        var caps = await CapaAsync(c);
        Assert.Contains("STLS", caps);
        Assert.DoesNotContain("USER", caps);
        Assert.DoesNotContain(caps, l => l.StartsWith("SASL", StringComparison.Ordinal) && l.Contains("PLAIN", StringComparison.Ordinal));
        Assert.StartsWith("-ERR", await LineOf(c, "USER alice@example.com"));
        Assert.StartsWith("-ERR", await LineOf(c, "PASS pw"));
        Assert.StartsWith("-ERR", await LineOf(c, "AUTH PLAIN " + PlainAlice));
        // No "+ " continuation that would invite the secret in clear.
        Assert.StartsWith("-ERR", await LineOf(c, "AUTH PLAIN"));
        Assert.StartsWith("-ERR", await LineOf(c, "APOP alice@example.com 0123456789abcdef0123456789abcdef"));
        Assert.StartsWith("-ERR", await LineOf(c, "STAT"));
        Assert.StartsWith("+OK", await LineOf(c, "STLS"));
        await c.UpgradeToTlsAsync();
        Assert.StartsWith("+OK", await LineOf(c, "USER alice@example.com"));
        Assert.StartsWith("+OK", await LineOf(c, "PASS pw"));
        Assert.StartsWith("+OK", await LineOf(c, "QUIT"));
    }

    [Fact]
    public async Task Pop3_FromMyComputer_UserPassAccepted()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Pop3OptPort, MyComputer);
        Assert.StartsWith("+OK", await c.ReadLineAsync());
        Assert.Contains("USER", await CapaAsync(c));
        Assert.StartsWith("+OK", await LineOf(c, "USER alice@example.com"));
        Assert.StartsWith("+OK", await LineOf(c, "PASS pw"));
        Assert.StartsWith("+OK", await LineOf(c, "QUIT"));
    }

    private static async Task<string> LineOf(LineClient c, string command)
    {
        await c.SendLineAsync(command);
        return await c.ReadLineAsync() ?? "";
    }

    private static async Task<List<string>> CapaAsync(LineClient c)
    {
        Assert.StartsWith("+OK", await LineOf(c, "CAPA"));
        var caps = new List<string>();
        string? line;
        while ((line = await c.ReadLineAsync()) is not null and not ".")
        {
            caps.Add(line);
        }
        return caps;
    }
}
