using System.Diagnostics;
using MailHost.Server.Hosting;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>
/// MailHost as its own process (the built `mailhost` executable), for what an in-process server
/// cannot show: SIGKILL, start-up time, a process-wide OpenSSL configuration.
/// </summary>
public sealed class ExternalServer : IAsyncDisposable
{
    private readonly Process _process;

    private ExternalServer(Process process, string dataDir, IReadOnlyDictionary<string, int> ports)
    {
        _process = process;
        DataDir = dataDir;
        Ports = ports;
    }

    public string DataDir { get; }
    public IReadOnlyDictionary<string, int> Ports { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    public TimeSpan StartupTime { get; private set; }
    public StringWriter Output { get; } = new();

    public static async Task<ExternalServer> StartAsync(string dataDir, IReadOnlyDictionary<string, int> ports, IDictionary<string, string>? environment = null, IEnumerable<string>? extraArguments = null)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "mailhost"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { $"--MailHost:DataDir={dataDir}", $"--MailHost:Hostname={TestDataDir.Hostname}", "--MailHost:RevisionPollMilliseconds=200", "--urls=http://127.0.0.1:0", "--MailHost:DnsServers=127.0.0.1:9" })
        {
            psi.ArgumentList.Add(a);
        }
        // Later arguments win: a test can override the defaults above.
        foreach (var a in extraArguments ?? [])
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        var watch = Stopwatch.StartNew();
        var process = Process.Start(psi)!;
        var server = new ExternalServer(process, dataDir, ports);
        process.OutputDataReceived += (_, e) => { lock (server.Output) { server.Output.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (server.Output) { server.Output.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            // A server that never came up must not outlive the test.
            await server.DisposeAsync();
            throw;
        }
        server.StartupTime = watch.Elapsed;
        return server;
    }

    /// <summary>Waits until this process reports every listener bound in status.json.</summary>
    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mailhost exited with {_process.ExitCode}: {Output}");
            }
            try
            {
                var status = StatusFile.Read(DataDir);
                if (status is not null && status.ProcessId == _process.Id && status.Listeners.Count > 0 && status.Listeners.All(l => l.State == ListenerState.Bound))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
            {
                // status.json is replaced atomically, but may be absent for a moment.
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"mailhost did not bind its listeners within {timeout}: {Output}");
    }

    /// <summary>kill -9: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }
}
