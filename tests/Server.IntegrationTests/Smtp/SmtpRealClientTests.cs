using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>Clients nobody here wrote: swaks, Python's smtplib, openssl s_client.</summary>
public sealed partial class SmtpRealClientTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    [GeneratedRegex(@"queued as (\w+)")]
    private static partial Regex QueuedAs();

    private async Task<string> AssertQueuedAsync(string output, string recipient)
    {
        var match = QueuedAs().Match(output);
        Assert.True(match.Success, output);
        var envelope = await Server.Spool().ReadAsync(match.Groups[1].Value, CancellationToken.None);
        Assert.NotNull(envelope);
        Assert.Contains(envelope.Recipients, r => r.Address == recipient);
        return match.Groups[1].Value;
    }

    private string[] Swaks(string listener, string to, params string[] extra) =>
        ["--server", "127.0.0.1", "--port", Server.Port(listener).ToString(), "--from", "alice@example.com", "--to", to, "--helo", "swaks.example", "--timeout", "10", .. extra];

    [Fact]
    public async Task Swaks_Plain_Delivers()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks("smtp", "bob@example.com"));
        Assert.True(code == 0, output);
        await AssertQueuedAsync(output, "bob@example.com");
    }

    [Fact]
    public async Task Swaks_StartTls_AuthPlain_OnSubmission()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks("submission", "someone@remote.example",
            "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.com", "--auth-password", SmtpWorld.Password));
        Assert.True(code == 0, output);
        Assert.Contains("235 2.7.0", output);
        var id = await AssertQueuedAsync(output, "someone@remote.example");
        var (envelope, content) = await Server.QueuedAsync("queued as " + id);
        Assert.Equal("alice@example.com", envelope.AuthenticatedUser);
        Assert.Contains("with ESMTPSA", content);
    }

    [Fact]
    public async Task Swaks_ImplicitTls_AuthLogin_OnSubmissions()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks("submissions", "someone@remote.example",
            "--tlsc", "--auth", "LOGIN", "--auth-user", "alice@example.com", "--auth-password", SmtpWorld.Password));
        Assert.True(code == 0, output);
        Assert.Contains("334 VXNlcm5hbWU6", output);
        await AssertQueuedAsync(output, "someone@remote.example");
    }

    [Fact]
    public async Task Swaks_WrongPassword_Gets535()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks("submissions", "someone@remote.example",
            "--tlsc", "--auth", "PLAIN", "--auth-user", "alice@example.com", "--auth-password", "wrong"));
        Assert.NotEqual(0, code);
        Assert.Contains("535 5.7.8", output);
    }

    [Fact]
    public async Task Swaks_Pipelining_Delivers()
    {
        var (code, output) = await ExternalTool.RunAsync("swaks", Swaks("smtp", "alice@example.com", "--pipeline"));
        Assert.True(code == 0, output);
        await AssertQueuedAsync(output, "alice@example.com");
    }

    [Fact]
    public async Task PythonSmtplib_StartTlsLoginAndSend()
    {
        var script = """
            import smtplib, ssl, sys
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='python.example', timeout=10)
            s.ehlo('python.example')
            s.starttls(context=ctx)
            s.ehlo('python.example')
            s.login('alice@example.com', 'pw')
            s.mail('alice@example.com')
            s.rcpt('python@remote.example')
            code, resp = s.data(b'Subject: from python\r\n\r\nhello\r\n..dot\r\n')
            print(code, resp.decode())
            s.quit()
            s = smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[2]), local_hostname='python.example', timeout=10, context=ctx)
            s.login('alice@example.com', 'pw')
            refused = s.sendmail('alice@example.com', ['python2@remote.example'], 'Subject: x\r\n\r\ny\r\n')
            print('refused', refused)
            s.quit()
            """;
        var (code, output) = await ExternalTool.RunAsync("/usr/bin/python3", ["-c", script, Server.Port("submission").ToString(), Server.Port("submissions").ToString()]);
        Assert.True(code == 0, output);
        Assert.Contains("refused {}", output);
        var id = await AssertQueuedAsync(output, "python@remote.example");
        var (_, content) = await Server.QueuedAsync("queued as " + id);
        // smtplib dot-stuffs on the wire; the server must give back exactly what the client meant.
        Assert.EndsWith("Subject: from python\r\n\r\nhello\r\n..dot\r\n", content);
    }

    [Fact]
    public async Task OpensslStartTls_Session()
    {
        var input = "EHLO openssl.example\nMAIL FROM:<a@b.example>\nRCPT TO:<alice@example.com>\nDATA\nSubject: openssl\n\nbody\n.\nQUIT\n";
        var (_, output) = await ExternalTool.RunAsync("openssl", ["s_client", "-starttls", "smtp", "-connect", $"127.0.0.1:{Server.Port("smtp")}", "-crlf", "-quiet"], input);
        Assert.Contains("250-REQUIRETLS", output);
        Assert.Contains("221 2.0.0", output);
        await AssertQueuedAsync(output, "alice@example.com");
    }
}
