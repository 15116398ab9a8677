using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// testssl.sh against every TLS listener of a default MailHost, started with a process-wide OpenSSL
/// floor lowered to TLS 1.0 / SECLEVEL 0 (what an admin must do for legacy clients): the listeners'
/// own policies must still refuse everything weak. Then one listener is switched to "legacy" through
/// the settings service, live: only it changes.
/// </summary>
[Collection("testssl")]
public sealed class TlsConformanceTests
{
    // Findings a self-signed certificate explains, and nothing else.
    private static readonly HashSet<string> SelfSignedExplained = ["cert_chain_of_trust", "cert_revocation", "cert_trust", "cert_caIssuers"];

    private static readonly string[] SeverityFails = ["MEDIUM", "HIGH", "CRITICAL"];

    private static readonly (string Listener, string? StartTls)[] Targets =
    [
        ("smtp", "smtp"), ("submission", "smtp"), ("submissions", null),
        ("imap", "imap"), ("imaps", null), ("pop3", "pop3"), ("pop3s", null),
    ];

    [Fact]
    public async Task EveryTlsPort_DefaultPolicy_HasNoFindingAtMediumOrAbove_ThenLegacyChangesOnlyItsListener()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync();
        var opensslConf = Path.Combine(dataDir, "openssl-legacy.cnf");
        await File.WriteAllTextAsync(opensslConf, """
            openssl_conf = default_conf
            [default_conf]
            ssl_conf = ssl_sect
            [ssl_sect]
            system_default = system_default_sect
            [system_default_sect]
            MinProtocol = TLSv1
            CipherString = DEFAULT@SECLEVEL=0
            """);
        await using var server = await ExternalServer.StartAsync(dataDir, ports, new Dictionary<string, string> { ["OPENSSL_CONF"] = opensslConf });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(12));

        var results = await RunAllAsync(Targets.Select(t => (t.Listener, ports[t.Listener], t.StartTls)), cts.Token);

        foreach (var (listener, findings) in results)
        {
            // First run makes an ECDSA and an RSA certificate; a client that cannot verify ECDSA gets the RSA one, so testssl
            // sees two and names its certificate findings "cert_… <cert#1>", "… <cert#2>".
            var bad = findings.Where(f => SeverityFails.Contains(f.Severity) && !SelfSignedExplained.Contains(f.Id.Split(' ')[0])).ToList();
            Assert.True(bad.Count == 0, $"{listener}: " + string.Join("; ", bad.Select(f => $"{f.Id} {f.Severity} {f.Finding}")));
            foreach (var protocol in new[] { "SSLv2", "SSLv3", "TLS1", "TLS1_1" })
            {
                Assert.Contains(findings, f => f.Id == protocol && f.Finding.StartsWith("not offered", StringComparison.Ordinal));
            }
            Assert.Contains(findings, f => f.Id == "TLS1_2" && f.Finding.StartsWith("offered", StringComparison.Ordinal));
            Assert.Contains(findings, f => f.Id == "TLS1_3" && f.Finding.StartsWith("offered", StringComparison.Ordinal));
            foreach (var category in new[] { "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA" })
            {
                Assert.Contains(findings, f => f.Id == category && f.Finding.StartsWith("not offered", StringComparison.Ordinal));
            }
            Assert.Contains(findings, f => f.Id == "PFS" && f.Finding.StartsWith("offered", StringComparison.Ordinal));
            Assert.Contains(findings, f => f.Id == "CRIME_TLS" && f.Finding.StartsWith("not vulnerable", StringComparison.Ordinal));
        }

        var code = await Cli.CliApp.RunAsync(["listener", "set", "pop3s", "--policy", "legacy", $"--MailHost:DataDir={dataDir}"], TextReader.Null, TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, code);
        await Task.Delay(TimeSpan.FromSeconds(1.5), cts.Token);

        var after = await RunAllAsync([("pop3s", ports["pop3s"], null), ("imaps", ports["imaps"], null)], cts.Token);
        var legacy = after["pop3s"];
        Assert.Contains(legacy, f => f.Id == "TLS1" && f.Finding.StartsWith("offered", StringComparison.Ordinal));
        Assert.Contains(legacy, f => f.Id == "TLS1_1" && f.Finding.StartsWith("offered", StringComparison.Ordinal));
        // Still nothing that is never allowed, even in legacy.
        foreach (var category in new[] { "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_3DES_IDEA" })
        {
            Assert.Contains(legacy, f => f.Id == category && f.Finding.StartsWith("not offered", StringComparison.Ordinal));
        }
        // The other listener is exactly as before.
        static string Shape(IEnumerable<TestSslFinding> fs) => string.Join("\n", fs.Where(f => f.Id.StartsWith("TLS1", StringComparison.Ordinal) || f.Id.StartsWith("SSLv", StringComparison.Ordinal) || f.Id.StartsWith("cipherlist_", StringComparison.Ordinal)).Select(f => $"{f.Id}={f.Finding}").Order());
        Assert.Equal(Shape(results["imaps"]), Shape(after["imaps"]));
        TestDataDir.Delete(dataDir);
    }

    private static async Task<Dictionary<string, IReadOnlyList<TestSslFinding>>> RunAllAsync(IEnumerable<(string Listener, int Port, string? StartTls)> targets, CancellationToken cancellationToken)
    {
        // Three at a time: testssl is mostly waiting on handshakes, and the machine has two cores.
        using var gate = new SemaphoreSlim(3);
        var tasks = targets.Select(async t =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return (t.Listener, Findings: await TestSslRunner.RunAsync(t.Port, t.StartTls, cancellationToken));
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return (await Task.WhenAll(tasks)).ToDictionary(r => r.Listener, r => r.Findings);
    }
}
