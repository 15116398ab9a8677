using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Acme;

/// <summary>
/// Debian's pebble (RFC 8555 test CA) on loopback free ports, with its own dnsmasq mapping the test
/// names to 127.0.0.1; it validates http-01 on <see cref="HttpPort"/> and tls-alpn-01 on
/// <see cref="TlsPort"/>. Pebble and dnsmasq are stopped by their PIDs.
/// </summary>
public sealed class PebbleServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DnsmasqServer _dns;
    private readonly string _dir;

    private PebbleServer(Process process, DnsmasqServer dns, string dir, int acmePort, int managementPort, int httpPort, int tlsPort)
    {
        _process = process;
        _dns = dns;
        _dir = dir;
        AcmePort = acmePort;
        ManagementPort = managementPort;
        HttpPort = httpPort;
        TlsPort = tlsPort;
    }

    public int AcmePort { get; }
    public int ManagementPort { get; }
    public int HttpPort { get; }
    public int TlsPort { get; }
    public Uri DirectoryUrl => new($"https://127.0.0.1:{AcmePort}/dir");

    /// <summary>The PEM of the certificate pebble's own HTTPS uses: the value for MailHost:AcmeTrustedCaFile.</summary>
    public string TrustedCaFile => Path.Combine(_dir, "pebble-https.pem");

    public System.Text.StringBuilder Log { get; } = new();

    public static async Task<PebbleServer> StartAsync(IEnumerable<string> names, int? validitySeconds = null)
    {
        var dns = await DnsmasqServer.StartAsync(names.Select(n => DnsmasqServer.Address(n, "127.0.0.1")));
        var dir = Directory.CreateTempSubdirectory("mailhost-pebble-").FullName;
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=pebble", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            await File.WriteAllTextAsync(Path.Combine(dir, "pebble-https.pem"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(dir, "pebble-https.key"), key.ExportPkcs8PrivateKeyPem());
        }
        int acme = FreePorts.Next(), management = FreePorts.Next(), http = FreePorts.Next(), tls = FreePorts.Next();
        var pebble = new Dictionary<string, object>
        {
            ["listenAddress"] = $"127.0.0.1:{acme}",
            ["managementListenAddress"] = $"127.0.0.1:{management}",
            ["certificate"] = Path.Combine(dir, "pebble-https.pem"),
            ["privateKey"] = Path.Combine(dir, "pebble-https.key"),
            ["httpPort"] = http,
            ["tlsPort"] = tls,
            ["ocspResponderURL"] = "",
            ["externalAccountBindingRequired"] = false,
        };
        if (validitySeconds is { } v)
        {
            pebble["certificateValidityPeriod"] = v;
        }
        var config = Path.Combine(dir, "pebble.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object> { ["pebble"] = pebble }));
        var psi = new ProcessStartInfo("/usr/bin/pebble") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-config", config, "-dnsserver", dns.EndPoint })
        {
            psi.ArgumentList.Add(a);
        }
        // No random validation sleeps, no rejected good nonces, and never reuse an authorization: every order runs its challenges.
        psi.Environment["PEBBLE_VA_NOSLEEP"] = "1";
        psi.Environment["PEBBLE_WFE_NONCEREJECT"] = "0";
        psi.Environment["PEBBLE_AUTHZREUSE"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("pebble did not start");
        var server = new PebbleServer(process, dns, dir, acme, management, http, tls);
        process.OutputDataReceived += (_, e) => { lock (server.Log) { server.Log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (server.Log) { server.Log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("pebble exited: " + server.Log);
            }
            if (await CanConnectAsync(acme) && await CanConnectAsync(management))
            {
                return server;
            }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException("pebble did not listen within 20 s: " + server.Log);
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The root that signs the issued chains, from pebble's management endpoint (it changes every start).</summary>
    public async Task<string> RootPemAsync()
    {
        using var http = MailHost.Server.Acme.AcmeClient.CreateHttpClient(TrustedCaFile);
        return await http.GetStringAsync(new Uri($"https://127.0.0.1:{ManagementPort}/roots/0"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _dns.Dispose();
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
