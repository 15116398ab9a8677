using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// Postfix's smtp-sink on 127.0.0.1 and a free port, dumping each transaction to a file in its own
/// folder. Extra options make it a failing peer (-r RCPT: 4xx, -f RCPT: 5xx). Stopped by its PID.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string dumpDir)
    {
        _process = process;
        Port = port;
        DumpDir = dumpDir;
    }

    public int Port { get; }
    public string DumpDir { get; }

    public static async Task<SmtpSink> StartAsync(params string[] options)
    {
        var port = FreePorts.Next();
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-sink", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        var psi = new ProcessStartInfo("/usr/sbin/smtp-sink") { RedirectStandardError = true };
        foreach (var a in (string[])["-u", "nobody", "-d", Path.Combine(dir, "msg"), .. options, $"127.0.0.1:{port}", "10"])
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("smtp-sink did not start");
        var sink = new SmtpSink(process, port, dir);
        try
        {
            await DaemonProcess.WaitListeningAsync(process, port, "smtp-sink", TimeSpan.FromSeconds(10));
        }
        catch
        {
            sink.Dispose();
            throw;
        }
        return sink;
    }

    public string[] Messages() => [.. Directory.GetFiles(DumpDir).Order().Select(File.ReadAllText)];

    public async Task<string> WaitForMessageAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var files = Directory.GetFiles(DumpDir);
            if (files.Length > 0)
            {
                // smtp-sink writes the file while the transaction runs; give it a moment to close it.
                await Task.Delay(100);
                return await File.ReadAllTextAsync(files[0]);
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("no message reached smtp-sink");
    }

    public void Dispose() => DaemonProcess.Stop(_process, DumpDir);
}
