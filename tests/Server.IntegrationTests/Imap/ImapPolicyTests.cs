using System.Net;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap;

[Collection("mailstore")]
public sealed class ImapPolicyTests(MailServerFixture fixture)
{
    [Fact]
    public async Task Capability_FromRangeRequiringTls_LoginDisabledUntilStartTls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.ImapOptPort, IPAddress.Parse("127.0.0.2"));
        var greeting = await c.ReadLineAsync();
        Assert.Contains("LOGINDISABLED", greeting);
        Assert.DoesNotContain("AUTH=PLAIN", greeting);
        var login = await c.CommandAsync("a", "LOGIN alice@example.com pw");
        Assert.StartsWith("a NO [PRIVACYREQUIRED]", login[^1]);
        var auth = await c.CommandAsync("b", "AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHB3");
        Assert.StartsWith("b NO", auth[^1]);
        Assert.StartsWith("s OK", (await c.CommandAsync("s", "STARTTLS"))[^1]);
        await c.UpgradeToTlsAsync();
        var caps = await c.CommandAsync("c", "CAPABILITY");
        Assert.Contains("AUTH=PLAIN", caps[0]);
        Assert.DoesNotContain("LOGINDISABLED", caps[0]);
        Assert.DoesNotContain("STARTTLS", caps[0]);
        var ok = await c.CommandAsync("d", "AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHB3");
        Assert.StartsWith("d OK", ok[^1]);
    }

    [Fact]
    public async Task Capability_FromMyComputerOnOptionalListener_AuthPlainWithoutTls()
    {
        await using var c = await LineClient.ConnectAsync(fixture.ImapOptPort);
        var greeting = await c.ReadLineAsync();
        Assert.Contains("AUTH=PLAIN", greeting);
        Assert.DoesNotContain("LOGINDISABLED", greeting);
        await c.SendLineAsync("a AUTHENTICATE PLAIN");
        Assert.Equal("+ ", await c.ReadLineAsync());
        await c.SendLineAsync("AGFsaWNlQGV4YW1wbGUuY29tAHB3");
        Assert.StartsWith("a OK", (await c.UntilTaggedAsync("a"))[^1]);
    }

    [Fact]
    public async Task StartTlsRequiredListener_BeforeTls_RefusesAllButCapabilityStartTlsLogoutNoop()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Port("imap"));
        Assert.Contains("LOGINDISABLED", await c.ReadLineAsync());
        Assert.StartsWith("a OK", (await c.CommandAsync("a", "NOOP"))[^1]);
        Assert.StartsWith("b NO [PRIVACYREQUIRED]", (await c.CommandAsync("b", "LOGIN alice@example.com pw"))[^1]);
        Assert.StartsWith("c NO [PRIVACYREQUIRED]", (await c.CommandAsync("c", "SELECT INBOX"))[^1]);
        Assert.StartsWith("d OK", (await c.CommandAsync("d", "CAPABILITY"))[^1]);
        var bye = await c.CommandAsync("e", "LOGOUT");
        Assert.StartsWith("* BYE", bye[0]);
    }

    [Fact]
    public async Task StartTls_WithPipelinedCommand_RefusedWithBad()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Port("imap"));
        await c.ReadLineAsync();
        await c.SendAsync("a STARTTLS\r\nb LOGIN alice@example.com pw\r\n");
        var reply = await c.UntilTaggedAsync("a");
        Assert.StartsWith("a BAD", reply[^1]);
        // The injected command is answered in plain text, still refused before TLS.
        Assert.StartsWith("b NO", (await c.UntilTaggedAsync("b"))[^1]);
    }

    [Fact]
    public async Task Syntax_Garbage_BadNotCrash()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        await c.LoginAsync("alice@example.com");
        Assert.StartsWith("a BAD", (await c.CommandAsync("a", "SELECT"))[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b", "FETCH 1 FLAGS"))[^1]);
        Assert.StartsWith("c OK", (await c.CommandAsync("c", "SELECT INBOX"))[^1]);
        Assert.StartsWith("d BAD", (await c.CommandAsync("d", "FETCH 0:x (FLAGS"))[^1]);
        Assert.StartsWith("e BAD", (await c.CommandAsync("e", "UID FROB 1"))[^1]);
        Assert.StartsWith("f BAD", (await c.CommandAsync("f", "SEARCH FROM"))[^1]);
        Assert.StartsWith("g BAD", (await c.CommandAsync("g", "BLAH"))[^1]);
        await c.SendLineAsync("h APPEND INBOX {999999999999}");
        Assert.StartsWith("h", await c.ReadLineAsync());
        Assert.StartsWith("i OK", (await c.CommandAsync("i", "NOOP"))[^1]);
    }

    [Fact]
    public async Task Login_WrongPassword_NoAuthenticationFailed()
    {
        await using var c = await LineClient.ConnectAsync(fixture.Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        Assert.StartsWith("a NO [AUTHENTICATIONFAILED]", (await c.CommandAsync("a", "LOGIN alice@example.com wrong"))[^1]);
    }
}
