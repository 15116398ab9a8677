using System.Diagnostics;

namespace MailHost.Server.IntegrationTests.Storage;

/// <summary>Runs a script with Debian's /usr/bin/python3 (imaplib, poplib are real clients nobody here wrote).</summary>
public static class PythonClient
{
    public static async Task<string> RunAsync(string script, TimeSpan? timeout = null, params string[] args)
    {
        var file = Path.Combine(Path.GetTempPath(), $"mailhost-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(file);
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(true);
                throw new TimeoutException("python client timed out: " + await stdout + await stderr);
            }
            var output = await stdout;
            Assert.True(process.ExitCode == 0, $"python exited {process.ExitCode}\nstdout:\n{output}\nstderr:\n{await stderr}");
            return output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Common prelude: an SSL context that accepts the test server's self-signed certificate.</summary>
    public const string Prelude = """
        import sys, ssl, imaplib, poplib, time
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE

        """;
}
