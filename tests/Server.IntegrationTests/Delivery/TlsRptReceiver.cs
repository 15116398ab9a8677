using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// The test's https: rua: python3's http.server wrapped in ssl (TlsRpt/tlsrpt_https_server.py) on 127.0.0.1 and a
/// free port, saving every POST body and Content-Type in a temporary folder. Stopped by its PID.
/// </summary>
public sealed class TlsRptReceiver : IDisposable
{
    private readonly Process _process;

    private TlsRptReceiver(Process process, string dir, int port)
    {
        _process = process;
        Folder = dir;
        Port = port;
    }

    public int Port { get; }
    public string Folder { get; }

    public static async Task<TlsRptReceiver> StartAsync(X509Certificate2 certificate)
    {
        var dir = Directory.CreateTempSubdirectory("mailhost-tlsrpt-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var posts = Directory.CreateDirectory(Path.Combine(dir, "posts")).FullName;
        var port = FreePorts.Next();
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Delivery", "TlsRpt", "tlsrpt_https_server.py"), $"{port}", Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"), posts })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        var receiver = new TlsRptReceiver(process, posts, port);
        try
        {
            await DaemonProcess.WaitListeningAsync(process, port, "the TLS-RPT receiver", TimeSpan.FromSeconds(10));
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
        return receiver;
    }

    /// <summary>The POSTs received so far: (Content-Type, body file).</summary>
    public List<(string ContentType, string BodyFile)> Posts() =>
        [.. Directory.EnumerateFiles(Folder, "*.body").Order(StringComparer.Ordinal).Select(f => (File.ReadAllText(Path.ChangeExtension(f, ".ctype")), f))];

    public void Dispose() => DaemonProcess.Stop(_process, Path.GetDirectoryName(Folder));
}
