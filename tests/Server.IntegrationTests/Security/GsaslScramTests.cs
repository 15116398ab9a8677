using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 12 defect 10: SCRAM-SHA-256 with an authorization identity, with the real GNU SASL client
/// (mutt uses the same library). gsasl sends the GS2 header "n,a=user,"; the authzid equal to the
/// user is accepted in SMTP, IMAP and POP3, another user's is refused. POP3 has no gsasl mode of its
/// own: the test relays gsasl's --client exchange over a POP3 connection (RFC 5034 framing).
/// </summary>
public sealed class GsaslScramTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private const string User = "alice@example.com";

    private static string[] Args(string protocol, int port, string authzid) =>
        [protocol, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "--no-starttls", "-m", "SCRAM-SHA-256", "-a", User, "-z", authzid, "-p", SecurityWorld.Password];

    [Fact]
    public async Task Smtp_GsaslWithOwnAuthzid_Authenticates_OtherAuthzidRefused()
    {
        var (code, output) = await ExternalTool.RunAsync("gsasl", Args("--smtp", fixture.Server.Port("smtp"), User));
        Assert.True(code == 0, output);
        Assert.Contains("235", output);
        (code, output) = await ExternalTool.RunAsync("gsasl", Args("--smtp", fixture.Server.Port("smtp"), "bob@example.com"));
        Assert.NotEqual(0, code);
        Assert.Contains("535 5.7.8", output);
    }

    [Fact]
    public async Task Imap_GsaslWithOwnAuthzid_Authenticates_OtherAuthzidRefused()
    {
        var (code, output) = await ExternalTool.RunAsync("gsasl", Args("--imap", fixture.ImapOptPort, User));
        Assert.True(code == 0, output);
        Assert.Contains("OK", output);
        (code, output) = await ExternalTool.RunAsync("gsasl", Args("--imap", fixture.ImapOptPort, "bob@example.com"));
        Assert.NotEqual(0, code);
        Assert.Contains("AUTHORIZATIONFAILED", output);
    }

    [Fact]
    public async Task Pop3_GsaslClientRelayed_OwnAuthzidAccepted_OtherRefused()
    {
        Assert.StartsWith("+OK Logged in", await RelayPop3Async(User));
        Assert.StartsWith("-ERR [AUTH]", await RelayPop3Async("bob@example.com"));
    }

    /// <summary>gsasl --client prints the mechanism, then its first message; each server challenge is fed to it and its answer sent on.</summary>
    private async Task<string> RelayPop3Async(string authzid)
    {
        var psi = new ProcessStartInfo("gsasl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--client", "-m", "SCRAM-SHA-256", "-a", User, "-z", authzid, "-p", SecurityWorld.Password, "--no-cb" })
        {
            psi.ArgumentList.Add(a);
        }
        using var gsasl = Process.Start(psi)!;
        var stderr = gsasl.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            async Task<string> FromGsaslAsync() => await gsasl.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new IOException("gsasl ended: " + await stderr);
            Assert.Equal("SCRAM-SHA-256", await FromGsaslAsync());
            var clientFirst = await FromGsaslAsync();

            await using var pop = await LineClient.ConnectAsync(fixture.Pop3OptPort);
            Assert.StartsWith("+OK", await pop.ReadLineAsync());
            await pop.SendLineAsync("AUTH SCRAM-SHA-256 " + clientFirst);
            while (true)
            {
                var line = await pop.ReadLineAsync() ?? throw new IOException("server closed");
                if (!line.StartsWith("+ ", StringComparison.Ordinal))
                {
                    return line;
                }
                await gsasl.StandardInput.WriteLineAsync(line[2..]);
                await gsasl.StandardInput.FlushAsync(timeout.Token);
                // After the server-final message gsasl checks the server's signature and answers with an empty line.
                await pop.SendLineAsync(await FromGsaslAsync());
            }
        }
        finally
        {
            if (!gsasl.HasExited)
            {
                gsasl.Kill(entireProcessTree: true);
            }
        }
    }
}
