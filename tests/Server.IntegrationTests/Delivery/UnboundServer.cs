using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// A validating unbound (Debian package unbound) on 127.0.0.1 and a free port. It serves a zone signed
/// by ldns-signzone (Debian ldnsutils) as an upstream auth-zone, with the zone's own DS as trust anchor,
/// so answers from it are really DNSSEC-validated and carry the AD bit; a second, unsigned zone with no
/// anchor answers without AD (insecure). <see cref="Tamper"/> breaks a signature (bogus: SERVFAIL).
/// </summary>
public sealed class UnboundServer : IDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private UnboundServer(Process process, int port, string dir)
    {
        _process = process;
        Port = port;
        _dir = dir;
    }

    public int Port { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    /// <param name="signedZone">Records (zone-file lines relative to the origin) of the signed zone.</param>
    /// <param name="unsignedZone">Records of the unsigned zone.</param>
    /// <param name="tamper">Applied to the signed zone file after signing (a changed record = a bogus signature).</param>
    public static async Task<UnboundServer> StartAsync(string signedName, IEnumerable<string> signedZone, string unsignedName, IEnumerable<string> unsignedZone, Func<string, string>? tamper = null)
    {
        var dir = Directory.CreateTempSubdirectory("mailhost-unbound-").FullName;
        var port = FreePorts.Next();
        await File.WriteAllTextAsync(Path.Combine(dir, "signed.zone"), Zone(signedName, signedZone));
        await File.WriteAllTextAsync(Path.Combine(dir, "unsigned.zone"), Zone(unsignedName, unsignedZone));
        var ksk = (await RunAsync(dir, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", signedName)).Trim();
        var zsk = (await RunAsync(dir, "ldns-keygen", "-a", "ECDSAP256SHA256", signedName)).Trim();
        await RunAsync(dir, "ldns-signzone", "-n", "signed.zone", ksk, zsk);
        if (tamper is not null)
        {
            var path = Path.Combine(dir, "signed.zone.signed");
            await File.WriteAllTextAsync(path, tamper(await File.ReadAllTextAsync(path)));
        }
        await File.WriteAllTextAsync(Path.Combine(dir, "unbound.conf"), $"""
            server:
              interface: 127.0.0.1
              port: {port}
              do-daemonize: no
              username: ""
              chroot: ""
              directory: "{dir}"
              pidfile: ""
              use-syslog: no
              logfile: ""
              do-ip6: no
              module-config: "validator iterator"
              trust-anchor-file: "{dir}/{ksk}.ds"
              local-zone: "test." nodefault
            auth-zone:
              name: "{signedName}"
              zonefile: "{dir}/signed.zone.signed"
              for-upstream: yes
              for-downstream: no
              fallback-enabled: no
            auth-zone:
              name: "{unsignedName}"
              zonefile: "{dir}/unsigned.zone"
              for-upstream: yes
              for-downstream: no
              fallback-enabled: no
            """);
        var psi = new ProcessStartInfo("/usr/sbin/unbound") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-d");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Path.Combine(dir, "unbound.conf"));
        var process = Process.Start(psi) ?? throw new InvalidOperationException("unbound did not start");
        var server = new UnboundServer(process, port, dir);
        try
        {
            await DaemonProcess.WaitListeningAsync(process, port, "unbound", TimeSpan.FromSeconds(10));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    private static string Zone(string origin, IEnumerable<string> records) =>
        $"$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 60\n@ IN NS ns.{origin}.\nns IN A 127.0.0.1\n"
        + string.Join('\n', records) + "\n";

    private static async Task<string> RunAsync(string dir, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await stderr}");
        }
        return await stdout;
    }

    public void Dispose() => DaemonProcess.Stop(_process, _dir);
}
