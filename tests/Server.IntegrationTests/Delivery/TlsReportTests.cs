using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Tls;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// TLS-RPT (RFC 8460) end to end: a report period with MTA-STS successes (example.test, verified MX) and failures
/// (other.test, whose MX presents a certificate for another name), both domains publishing `_smtp._tls` with a
/// mailto: and an https: rua. The mailed report arrives at a loopback MX, DKIM-signed (dkimpy verifies it); the
/// posted one at python's http.server over TLS. Both are decompressed and validated against the RFC 8460 schema
/// with python3 jsonschema (TlsRpt/tlsrpt_check.py).
/// </summary>
public sealed class TlsReportTests : IDisposable
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;
    private const string Contact = "tlsrpt@" + DeliveryHarness.LocalDomain;
    private readonly string _caDir = Directory.CreateTempSubdirectory("mailhost-tlsrpt-ca-").FullName;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _ca;

    public TlsReportTests() => _ca = PrivateCertificateAuthority.LoadOrCreate(_caDir, "TLS-RPT test");

    private string CaFile => Path.Combine(_caDir, "certs", "ca", "mailhost-ca.crt");

    [Fact]
    public async Task ReportPeriod_WithSuccessesAndFailures_MailedSignedAndPosted_ValidAgainstSchema()
    {
        using var receiver = await TlsRptReceiver.StartAsync(PrivateCertificateAuthority.Issue(_ca, ["reports.test"], rsa: false));
        var rua = $"v=TLSRPTv1; rua=mailto:tls-reports@reports.test,https://reports.test:{receiver.Port}/tlsrpt";
        using var dns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "mx1.example.test", 10),
            DnsmasqServer.Mx("other.test", "mx2.other.test", 10),
            DnsmasqServer.Mx("reports.test", "mx1.example.test", 10),
            DnsmasqServer.Address("mx1.example.test", "127.0.0.1"),
            DnsmasqServer.Address("mx2.other.test", "127.0.0.1"),
            DnsmasqServer.Address("mta-sts.example.test", "127.0.0.1"),
            DnsmasqServer.Address("mta-sts.other.test", "127.0.0.1"),
            DnsmasqServer.Address("reports.test", "127.0.0.1"),
            DnsmasqServer.Txt("_mta-sts.example.test", "v=STSv1; id=1"),
            DnsmasqServer.Txt("_mta-sts.other.test", "v=STSv1; id=1"),
            DnsmasqServer.Txt("_smtp._tls.example.test", rua),
            DnsmasqServer.Txt("_smtp._tls.other.test", rua),
        ]);
        const string policy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: mx2.other.test\r\nmax_age: 86400\r\n";
        using var https = await MtaStsHttpsServer.StartAsync(PrivateCertificateAuthority.Issue(_ca, ["mta-sts.example.test", "mta-sts.other.test"], rsa: false), policy);
        // One loopback MX for every domain, with a certificate for mx1.example.test only: mx2.other.test mismatches.
        await using var peer = new TlsSmtpPeer(PrivateCertificateAuthority.Issue(_ca, ["mx1.example.test"], rsa: false));
        await using var server = await DeliveryHarness.StartAsync(dns, peer.Port, null,
            $"--MailHost:OutboundTrustedCaFile={CaFile}", $"--MailHost:MtaStsHttpsPort={https.Port}",
            "--MailHost:TlsReportIntervalSeconds=8", $"--MailHost:TlsReportContact={Contact}", "--MailHost:TlsReportOrganization=MailHost tests");
        var keyTxt = await GenerateDkimKeyAsync(server);

        var ok1 = await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], DeliveryHarness.Message(Sender, "bob@example.test"));
        var ok2 = await DeliveryHarness.EnqueueAsync(server, Sender, ["carol@example.test"], DeliveryHarness.Message(Sender, "carol@example.test"));
        var bad = await DeliveryHarness.EnqueueAsync(server, Sender, ["dave@other.test"], DeliveryHarness.Message(Sender, "dave@other.test"));
        await DeliveryHarness.WaitAsync(server, ok1, m => m is null);
        await DeliveryHarness.WaitAsync(server, ok2, m => m is null);
        var deferred = await DeliveryHarness.WaitAsync(server, bad, m => m!.Recipients[0].Attempts >= 1);
        Assert.Contains("name mismatch", deferred!.Recipients[0].LastResult);

        // Reports come once the period has ended; a period boundary may split the day's counts over two reports.
        using var keyDns = await DnsmasqServer.StartAsync([DnsmasqServer.Txt($"s1._domainkey.{DeliveryHarness.LocalDomain}", keyTxt)]);
        var mailed = new List<JsonElement>();
        var posted = new List<JsonElement>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Covers(mailed) && Covers(posted)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"reports incomplete: {mailed.Count} mailed, {posted.Count} posted");
            await Task.Delay(500);
            mailed = [];
            foreach (var (message, _, _) in peer.Received.Where(r => r.Message.Contains("TLS-Report-Domain:", StringComparison.Ordinal)))
            {
                mailed.Add(await CheckAsync(message, keyDns.Port));
            }
            posted = [];
            foreach (var (contentType, body) in receiver.Posts())
            {
                Assert.Equal("application/tlsrpt+gzip", contentType);
                posted.Add(await CheckAsync(await File.ReadAllBytesAsync(body), null));
            }
        }

        foreach (var report in mailed.Concat(posted))
        {
            Assert.Equal("MailHost tests", report.GetProperty("organization-name").GetString());
            Assert.Equal(Contact, report.GetProperty("contact-info").GetString());
        }
        var failure = mailed.SelectMany(r => r.GetProperty("policies").EnumerateArray())
            .Where(p => p.GetProperty("policy").GetProperty("policy-domain").GetString() == "other.test").SelectMany(Details).First();
        Assert.Equal("certificate-host-mismatch", failure.GetProperty("result-type").GetString());
        Assert.Equal("mx2.other.test", failure.GetProperty("receiving-mx-hostname").GetString());
        Assert.Equal("127.0.0.1", failure.GetProperty("receiving-ip").GetString());
        var sts = mailed.SelectMany(r => r.GetProperty("policies").EnumerateArray()).First(p => p.GetProperty("policy").GetProperty("policy-domain").GetString() == "example.test");
        Assert.Equal("sts", sts.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.Contains("mode: enforce", sts.GetProperty("policy").GetProperty("policy-string").EnumerateArray().Select(s => s.GetString()));
        // The delivery log says which policy applied, and the route level under it (item 3 of the brief).
        var log = await DeliveryHarness.LogAsync(server);
        Assert.Contains(log, e => e.Recipient == "bob@example.test" && e.TlsPolicy.StartsWith("mta-sts enforce; may", StringComparison.Ordinal));
    }

    /// <summary>Both domains reported: example.test with at least two successes, other.test with at least one failure.</summary>
    private static bool Covers(List<JsonElement> reports)
    {
        var policies = reports.SelectMany(r => r.GetProperty("policies").EnumerateArray()).ToList();
        long Sum(string domain, string field) => policies.Where(p => p.GetProperty("policy").GetProperty("policy-domain").GetString() == domain)
            .Sum(p => p.GetProperty("summary").GetProperty(field).GetInt64());
        return Sum("example.test", "total-successful-session-count") >= 2 && Sum("other.test", "total-failure-session-count") >= 1;
    }

    private static IEnumerable<JsonElement> Details(JsonElement policy) =>
        policy.TryGetProperty("failure-details", out var d) ? d.EnumerateArray() : [];

    private static Task<JsonElement> CheckAsync(string message, int dnsPort) => CheckAsync(Encoding.UTF8.GetBytes(message), dnsPort);

    /// <summary>Runs tlsrpt_check.py on a mailed (DKIM, MIME, file name) or posted report; returns the validated JSON.</summary>
    private static async Task<JsonElement> CheckAsync(byte[] content, int? dnsPort)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, content);
            var dir = Path.Combine(AppContext.BaseDirectory, "Delivery", "TlsRpt");
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(dir, "tlsrpt_check.py"), Path.Combine(dir, "tlsrpt-schema.json"), file })
            {
                psi.ArgumentList.Add(a);
            }
            if (dnsPort is { } port)
            {
                psi.ArgumentList.Add("--mail");
                psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
            }
            using var process = Process.Start(psi)!;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            var stderr = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            Assert.True(process.ExitCode == 0, await stderr);
            return JsonDocument.Parse(await stdout).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> GenerateDkimKeyAsync(TestServer server)
    {
        var output = new StringWriter();
        var code = await Cli.CliApp.RunAsync(["dkim", "generate", DeliveryHarness.LocalDomain, "--selector", "s1", "--algorithm", "ed25519", "--active", $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output);
        Assert.True(code == 0, output.ToString());
        output = new StringWriter();
        code = await Cli.CliApp.RunAsync(["dkim", "show", DeliveryHarness.LocalDomain, $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output);
        Assert.True(code == 0, output.ToString());
        var zoneLine = output.ToString().Trim().Split('\n').Last(l => l.Contains("IN TXT", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Snapshot.Current.DkimKeys.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "the new DKIM key never reached the snapshot");
            await Task.Delay(50);
        }
        return string.Concat(zoneLine[(zoneLine.IndexOf('(') + 1)..zoneLine.LastIndexOf(')')].Split('"').Where((_, i) => i % 2 == 1));
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_caDir, recursive: true);
    }
}
