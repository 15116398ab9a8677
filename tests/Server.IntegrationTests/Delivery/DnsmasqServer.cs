using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// A real dnsmasq (Debian package dnsmasq) on 127.0.0.1 and a free port, authoritative-like for the
/// "test" TLD only (--local=/test/), serving the records a test gives it. Stopped by its own PID.
/// </summary>
public sealed class DnsmasqServer : IDisposable
{
    private readonly Process _process;

    private readonly string _address;

    private DnsmasqServer(Process process, int port, string address)
    {
        _process = process;
        Port = port;
        _address = address;
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:port" or "[::1]:port", the value for MailHost:DnsServers.</summary>
    public string EndPoint => _address.Contains(':', StringComparison.Ordinal) ? $"[{_address}]:{Port}" : $"{_address}:{Port}";

    /// <summary>Starts on <paramref name="port"/> when given (a server configured before the records were known), else a free one.</summary>
    public static async Task<DnsmasqServer> StartAsync(IEnumerable<string> records, int ttl = 60, int? port = null, string listenAddress = "127.0.0.1")
    {
        var listenPort = port ?? FreePorts.Next();
        var psi = new ProcessStartInfo("/usr/sbin/dnsmasq")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var a in new[]
        {
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=",
            $"--listen-address={listenAddress}", "--bind-interfaces", $"--port={listenPort}", "--local=/test/", "--local=/127.in-addr.arpa/",
            $"--local-ttl={ttl}", "--user=root",
        })
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var r in records)
        {
            psi.ArgumentList.Add(r);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("dnsmasq did not start");
        var server = new DnsmasqServer(process, listenPort, listenAddress);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("dnsmasq exited: " + await process.StandardError.ReadToEndAsync());
            }
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(System.Net.IPAddress.Parse(listenAddress), listenPort);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        server.Dispose();
        throw new TimeoutException("dnsmasq did not listen within 5 s");
    }

    public static string Mx(string domain, string host, int preference) => $"--mx-host={domain},{host},{preference}";

    public static string Address(string name, string address) => $"--host-record={name},{address}";

    /// <summary>A TXT record of any length: split into 255-octet character-strings and given as raw RDATA.</summary>
    public static string Txt(string name, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var rdata = new List<byte>();
        for (var i = 0; i < bytes.Length; i += 255)
        {
            var n = Math.Min(255, bytes.Length - i);
            rdata.Add((byte)n);
            rdata.AddRange(bytes.AsSpan(i, n).ToArray());
        }
        return Raw(name, 16, [.. rdata]);
    }

    /// <summary>RFC 7505 null MX: preference 0, exchange ".".</summary>
    public static string NullMx(string domain) => Raw(domain, 15, [0, 0, 0]);

    /// <summary>
    /// Makes dnsmasq authoritative for "test" (RFC 2308 §3): negative answers then carry the zone's SOA, whose
    /// TTL and MINIMUM are both <paramref name="negativeTtl"/>; without this dnsmasq's negative answers have no SOA.
    /// </summary>
    public static string[] AuthoritativeForTest(int negativeTtl) =>
        ["--auth-server=ns.test,127.0.0.1", "--auth-zone=test", $"--auth-ttl={negativeTtl}", "--auth-soa=1,hostmaster.test,1200,180,1209600"];

    public static string Raw(string name, int type, byte[] rdata) => $"--dns-rr={name},{type},{Convert.ToHexString(rdata)}";

    public void Dispose() => DaemonProcess.Stop(_process, null);
}
