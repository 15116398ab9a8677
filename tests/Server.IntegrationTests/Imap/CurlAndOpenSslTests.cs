using System.Diagnostics;
using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap;

/// <summary>curl's IMAP/POP3 and openssl s_client -starttls as further real clients.</summary>
[Collection("mailstore")]
public sealed class CurlAndOpenSslTests(MailServerFixture fixture)
{
    private static async Task<(int Code, string Output)> RunAsync(string file, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            await process.StandardInput.FlushAsync();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Curl_ImapsAndPop3s_FetchTheSameMessage()
    {
        var uid = await fixture.PutAsync("dave@example.com", "Drafts", "Subject: curl check\r\n\r\ncurl body line\r\n");
        var imap = await RunAsync("curl", null, "-sS", "-k", "-u", "dave@example.com:pw", $"imaps://127.0.0.1:{fixture.Port("imaps")}/Drafts;UID={uid}");
        Assert.True(imap.Code == 0, imap.Output);
        Assert.Contains("curl body line", imap.Output);
        // STARTTLS on 143 through curl's --ssl-reqd.
        var list = await RunAsync("curl", null, "-sS", "-k", "--ssl-reqd", "-u", "dave@example.com:pw", $"imap://127.0.0.1:{fixture.Port("imap")}/");
        Assert.True(list.Code == 0, list.Output);
        Assert.Contains("\\Drafts", list.Output);
        var pop = await RunAsync("curl", null, "-sS", "-k", "-u", "dave@example.com:pw", $"pop3s://127.0.0.1:{fixture.Port("pop3s")}/");
        Assert.True(pop.Code == 0, pop.Output);
    }

    [Theory]
    [InlineData("imap", "a LOGOUT\r\n", "* BYE")]
    [InlineData("pop3", "QUIT\r\n", "+OK")]
    public async Task OpenSslStartTls_Handshake_ThenCommandAnswered(string protocol, string command, string expected)
    {
        var (code, output) = await RunAsync("openssl", command, "s_client", "-quiet", "-starttls", protocol, "-connect", $"127.0.0.1:{fixture.Port(protocol)}");
        Assert.True(code == 0, output);
        Assert.Contains(expected, output);
    }
}
