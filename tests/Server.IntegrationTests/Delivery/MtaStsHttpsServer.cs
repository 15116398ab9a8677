using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// `openssl s_server -WWW` on 127.0.0.1 and a free port, serving /.well-known/mta-sts.txt (as text/plain) from a
/// temporary folder with the given certificate. Stopped by its PID.
/// </summary>
public sealed class MtaStsHttpsServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private MtaStsHttpsServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<MtaStsHttpsServer> StartAsync(X509Certificate2 certificate, string policy)
    {
        var dir = Directory.CreateTempSubdirectory("mailhost-mtasts-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, ".well-known"));
        await File.WriteAllTextAsync(Path.Combine(dir, ".well-known", "mta-sts.txt"), policy);
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var port = FreePorts.Next();
        var psi = new ProcessStartInfo("/usr/bin/openssl") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "s_server", "-WWW", "-quiet", "-accept", $"127.0.0.1:{port}", "-cert", "cert.pem", "-key", "key.pem" })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("openssl s_server did not start");
        var server = new MtaStsHttpsServer(process, dir, port);
        try
        {
            await DaemonProcess.WaitListeningAsync(process, port, "openssl s_server", TimeSpan.FromSeconds(10));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    public void Dispose() => DaemonProcess.Stop(_process, _dir);
}
