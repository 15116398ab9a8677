using System.Diagnostics;

namespace MailHost.Server.IntegrationTests.Imap;

/// <summary>
/// Runs a Node script against the test server with the npm packages of tests/.../Imap/Node
/// (imapflow, a real client nobody here wrote), installed from the lockfile on first use.
/// </summary>
public static class NodeClient
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    /// <summary>The folder with package.json and package-lock.json, found from the source tree.</summary>
    public static string PackageDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Server.IntegrationTests", "Imap", "Node");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
            throw new DirectoryNotFoundException("tests/Server.IntegrationTests/Imap/Node not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<string> RunAsync(string script, TimeSpan? timeout = null, params string[] args)
    {
        var dir = PackageDirectory;
        await EnsureInstalledAsync(dir);
        var file = Path.Combine(dir, $"run-{Guid.NewGuid():N}.cjs");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var (code, stdout, stderr) = await ExecAsync("node", dir, timeout ?? TimeSpan.FromSeconds(60), [file, .. args]);
            Assert.True(code == 0, $"node exited {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            return stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task EnsureInstalledAsync(string dir)
    {
        await Install.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(dir, "node_modules", "imapflow")))
            {
                return;
            }
            var (code, stdout, stderr) = await ExecAsync("npm", dir, TimeSpan.FromMinutes(5), ["ci", "--no-audit", "--no-fund"]);
            Assert.True(code == 0, $"npm ci failed ({code}): {stdout}{stderr}");
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> ExecAsync(string program, string dir, TimeSpan timeout, string[] args)
    {
        var psi = new ProcessStartInfo(program) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException($"{program} timed out: {await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
