using System.Diagnostics;
using MailHost.Server.IntegrationTests.Imap.Conformance;

namespace MailHost.Server.IntegrationTests.Imap;

/// <summary>fetchmail (Debian's, a real client) collects over implicit-TLS IMAP, deletes what it fetched, and finds nothing new the second time.</summary>
[Collection("imap-conformance")]
public sealed class FetchmailTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task Fetchmail_ImapsFetchAllDeliversToMdaAndExpunges()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", "From: a@example.org\r\nSubject: first for fetchmail\r\n\r\none\r\n");
        await fixture.PutAsync(user, "INBOX", "From: b@example.org\r\nSubject: second for fetchmail\r\n\r\ntwo\r\n", "\\Seen");
        var dir = Directory.CreateTempSubdirectory("mailhost-fetchmail-");
        try
        {
            var output = Path.Combine(dir.FullName, "delivered.txt");
            var rc = Path.Combine(dir.FullName, "fetchmailrc");
            await File.WriteAllTextAsync(rc, $"""
                set no syslog
                poll 127.0.0.1 service {fixture.Port("imaps")} protocol IMAP auth password timeout 30
                  user "{user}" password "pw" is "root" here
                  ssl no sslcertck
                  fetchall
                  mda "/bin/sh -c 'cat >> {output}; echo END-OF-MESSAGE >> {output}'"
                """);
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fetchmail refuses a readable rc file
            var (code, log) = await RunAsync(dir.FullName, rc);
            Assert.True(code == 0, $"fetchmail exited {code}: {log}");
            var delivered = await File.ReadAllTextAsync(output);
            Assert.Contains("Subject: first for fetchmail", delivered);
            Assert.Contains("Subject: second for fetchmail", delivered);
            Assert.Equal(2, delivered.Split("END-OF-MESSAGE").Length - 1);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var box = await fixture.Store.GetMailboxAsync(user, "INBOX", cts.Token);
            Assert.Empty(await fixture.Store.ListMessagesAsync(box!.Id, cts.Token));
            // Nothing left: fetchmail's "no mail" exit code.
            var (again, log2) = await RunAsync(dir.FullName, rc);
            Assert.True(again == 1, $"second run exited {again}: {log2}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Log)> RunAsync(string home, string rc)
    {
        var psi = new ProcessStartInfo("fetchmail") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = home };
        foreach (var a in new[] { "-f", rc, "-v", "--nodetach", "--idfile", Path.Combine(home, "fetchids") })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["HOME"] = home;
        psi.Environment["FETCHMAILHOME"] = home;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException("fetchmail timed out: " + await stdout + await stderr);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
