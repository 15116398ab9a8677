using MailHost.Server.Cli;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>
/// Issue 11 item 16, with swaks: a logged-in user sends only as itself or an alias delivered to it
/// (MAIL FROM: 553 5.7.1; From: header at the end of DATA: 550 5.7.1). On by default.
/// </summary>
public sealed class SenderLoginMatchTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    internal static string[] Swaks(TestServer server, string from, params string[] extra) =>
        ["--server", "127.0.0.1", "--port", server.Port("submissions").ToString(CultureInfo.InvariantCulture), "--tlsc", "--auth", "PLAIN",
            "--auth-user", "alice@example.com", "--auth-password", SmtpWorld.Password, "--from", from, "--to", "someone@remote.example",
            "--helo", "swaks.example", "--timeout", "10", .. extra];

    [Fact]
    public async Task MailFromAnotherLocalUser_Refused553()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks(fixture.Server, "bob@example.com"));
        Assert.NotEqual(0, code);
        Assert.Contains("553 5.7.1", output);
    }

    [Fact]
    public async Task OwnAddressAndOwnedAlias_Accepted()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks(fixture.Server, "alice@example.com"));
        Assert.True(code == 0, output);
        (code, output) = await ExternalTool.RunAsync("swaks", Swaks(fixture.Server, "sales@example.com"));
        Assert.True(code == 0, output);
        Assert.Contains("queued as", output);
    }

    [Fact]
    public async Task FromHeaderOfAnotherUser_RefusedAtEndOfData()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks(fixture.Server, "alice@example.com", "--header", "From: Bob <bob@example.com>"));
        Assert.NotEqual(0, code);
        Assert.Contains("250 2.1.0", output);
        Assert.Contains("550 5.7.1", output);
    }
}

/// <summary>`mailhost server set --sender-login-match off` turns the check off (own server: it changes settings).</summary>
public sealed class SenderLoginMatchOffTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    [Fact]
    public async Task CliOff_AllowsAnySender()
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync(["server", "set", "--sender-login-match", "off", $"--MailHost:DataDir={fixture.Server.DataDir}"], new StringReader(""), output, output);
        Assert.True(code == 0, output.ToString());
        await fixture.Server.Snapshot.ReloadAsync(CancellationToken.None);
        Assert.False(fixture.Server.Snapshot.Current.Server.RejectSenderLoginMismatch);
        var (swaks, text) = await ExternalTool.RunAsync("swaks", SenderLoginMatchTests.Swaks(fixture.Server, "bob@example.com"));
        Assert.True(swaks == 0, text);
    }
}
