using System.Diagnostics;
using MailHost.Server.Hosting;

namespace MailHost.Server.Cli;

/// <summary>`mailhost status`: the running server's listeners as it last reported them.</summary>
internal static class StatusCommands
{
    public static Task<int> RunAsync(CliContext c)
    {
        var status = StatusFile.Read(c.Options.FullDataDir);
        if (status is null || !IsRunning(status.ProcessId))
        {
            c.Output.WriteLine($"MailHost is not running on {c.Options.FullDataDir}.");
            return Task.FromResult(3);
        }
        c.Output.WriteLine($"MailHost is running (pid {status.ProcessId}), status of {status.WrittenUtc:u}:");
        TablePrinter.Print(c.Output, ["LISTENER", "PROTOCOL", "ENDPOINT", "TLS", "STATE", "CONNECTIONS", "ERROR"],
            status.Listeners.Select(l => new[] { l.Name, l.Protocol.ToString(), l.EndPoint, l.TlsMode.ToString(), l.State.ToString(), l.Connections.ToString(CultureInfo.InvariantCulture), l.Error ?? "" }));
        return Task.FromResult(status.Listeners.Any(l => l.State == ListenerState.Failed) ? 1 : 0);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
