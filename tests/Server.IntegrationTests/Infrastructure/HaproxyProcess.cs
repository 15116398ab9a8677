using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's haproxy as a load balancer in front of MailHost: its own config in a temp folder, run in the
/// foreground (-db), TCP mode, each frontend on 127.0.0.1 forwarding to one backend port from a fixed
/// source address so MailHost can tell the proxy from its clients. Stopped by PID.
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private HaproxyProcess(Process process, string dir, IReadOnlyDictionary<string, int> frontends)
    {
        _process = process;
        _dir = dir;
        Frontends = frontends;
    }

    /// <summary>Frontend name to its port on 127.0.0.1.</summary>
    public IReadOnlyDictionary<string, int> Frontends { get; }
    public StringBuilder Output { get; } = new();

    /// <param name="backends">frontend name, MailHost port, and the server-line option (send-proxy or send-proxy-v2).</param>
    public static async Task<HaproxyProcess> StartAsync(IPAddress source, params (string Name, int BackendPort, string SendProxy)[] backends)
    {
        ArgumentNullException.ThrowIfNull(source);
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-tests", "haproxy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var frontends = new Dictionary<string, int>();
        var config = new StringBuilder("""
            global
                maxconn 500
            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s

            """);
        foreach (var (name, backendPort, sendProxy) in backends)
        {
            var port = FreePorts.Next();
            frontends[name] = port;
            config.Append(CultureInfo.InvariantCulture, $"""
                frontend f-{name}
                    bind 127.0.0.1:{port}
                    default_backend b-{name}
                backend b-{name}
                    server mailhost 127.0.0.1:{backendPort} {sendProxy} source {source}

                """);
        }
        var file = Path.Combine(dir, "haproxy.cfg");
        await File.WriteAllTextAsync(file, config.ToString());
        var psi = new ProcessStartInfo("/usr/sbin/haproxy") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", file, "-db" })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi)!;
        var haproxy = new HaproxyProcess(process, dir, frontends);
        process.OutputDataReceived += (_, e) => { lock (haproxy.Output) { haproxy.Output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (haproxy.Output) { haproxy.Output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await haproxy.WaitUntilListeningAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await haproxy.DisposeAsync();
            throw;
        }
        return haproxy;
    }

    private async Task WaitUntilListeningAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        foreach (var port in Frontends.Values)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException("haproxy exited: " + Output);
                }
                // A bare connect reaches MailHost as a real session; the frontend accepting is all we need to know.
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
