using System.Diagnostics;
using System.Net.Sockets;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>
/// Start-up and shutdown shared by the real daemons the tests run (openssl s_server, python's https receiver,
/// unbound, dnsmasq, smtp-sink): wait until the port accepts, and stop by PID, never leaving the process or its
/// temporary folder behind.
/// </summary>
public static class DaemonProcess
{
    /// <summary>Waits until 127.0.0.1:<paramref name="port"/> accepts a connection; fails at once if the process exited.</summary>
    public static async Task WaitListeningAsync(Process process, int port, string name, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline;)
        {
            if (process.HasExited)
            {
                var stderr = process.StartInfo.RedirectStandardError ? await process.StandardError.ReadToEndAsync() : "";
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {stderr}");
            }
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"{name} did not listen on 127.0.0.1:{port} within {timeout.TotalSeconds} s");
    }

    /// <summary>Kills the process (and its children), waits for it, and deletes <paramref name="folder"/> if given.</summary>
    public static void Stop(Process process, string? folder)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        process.Dispose();
        if (folder is null)
        {
            return;
        }
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
