using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Tls;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.MailAuth;

/// <summary>
/// The console's web server as our MTA-STS policy host (RFC 8461 §3.3), fetched by curl over real TLS with
/// `--resolve mta-sts.&lt;domain&gt;` to the loopback console and the certificate for that name trusted by curl.
/// </summary>
public sealed class MtaStsPolicyHostTests
{
    private static async Task<(string Status, string ContentType, string Body)> FetchAsync(TestServer server, string host, string path, string caFile)
    {
        var port = new Uri(server.ConsoleUrl).Port;
        var (code, output) = await ExternalTool.RunAsync("curl", ["-sS", "--max-time", "10", "--cacert", caFile, "--resolve", $"{host}:{port}:127.0.0.1",
            "-w", "\n%{http_code} %{content_type}", $"https://{host}:{port}{path}"]);
        Assert.True(code == 0, output);
        var split = output.LastIndexOf('\n');
        var tail = output[(split + 1)..].Split(' ', 2);
        return (tail[0], tail.Length > 1 ? tail[1] : "", output[..split]);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(condition());
    }

    [Fact]
    public async Task PolicyHost_HostedDomainWithMode_ServesThePolicy_EverythingElse404()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.test", MtaStsMode = MtaStsPublishMode.Enforce, MtaStsMaxAgeSeconds = 86400, MtaStsMx = "backup.example.test" });
            db.Domains.Add(new Domain { Name = "quiet.test" });
        }, "--urls=https://127.0.0.1:0");
        // The certificate for the policy hosts, chosen by SNI like any other: what ACME would fetch for these names.
        using var certificate = SelfSignedCertificateFactory.CreateEcdsa("mta-sts.example.test");
        var path = CertificateFiles.Save(server.DataDir, "mta-sts", certificate);
        await server.Settings.UpdateAsync("test", "cert", (d, _) => CertificateRows.Upsert(d, "mta-sts", path, certificate, makeDefault: false), CancellationToken.None);
        await WaitForAsync(() => server.Snapshot.Current.Certificates.Any(c => c.Name == "mta-sts"));
        var ca = Path.Combine(server.DataDir, "mta-sts-ca.pem");
        await File.WriteAllTextAsync(ca, certificate.ExportCertificatePem());

        var policy = await FetchAsync(server, "mta-sts.example.test", "/.well-known/mta-sts.txt", ca);
        Assert.Equal("200", policy.Status);
        Assert.StartsWith("text/plain", policy.ContentType, StringComparison.Ordinal);
        Assert.Equal("version: STSv1\r\nmode: enforce\r\nmx: mx.test.local\r\nmx: backup.example.test\r\nmax_age: 86400\r\n", policy.Body);

        // The policy host is not a second door into the console.
        var root = await FetchAsync(server, "mta-sts.example.test", "/", ca);
        Assert.Equal("404", root.Status);
        Assert.DoesNotContain("MailHost", root.Body, StringComparison.Ordinal);
        Assert.Equal("404", (await FetchAsync(server, "mta-sts.example.test", "/login", ca)).Status);

        // The mode applies live; none withdraws the policy.
        await server.Settings.UpdateAsync("test", "testing", (d, _) => d.Domains.Single(x => x.Name == "example.test").MtaStsMode = MtaStsPublishMode.Testing, CancellationToken.None);
        await WaitForAsync(() => server.Snapshot.Current.MtaStsPolicies.GetValueOrDefault("mta-sts.example.test")?.Mode == MtaStsPublishMode.Testing);
        Assert.Contains("mode: testing\r\n", (await FetchAsync(server, "mta-sts.example.test", "/.well-known/mta-sts.txt", ca)).Body, StringComparison.Ordinal);
        await server.Settings.UpdateAsync("test", "none", (d, _) => d.Domains.Single(x => x.Name == "example.test").MtaStsMode = MtaStsPublishMode.None, CancellationToken.None);
        await WaitForAsync(() => server.Snapshot.Current.MtaStsPolicies.Count == 0);
        Assert.Equal("404", (await FetchAsync(server, "mta-sts.example.test", "/.well-known/mta-sts.txt", ca)).Status);
    }

    [Fact]
    public async Task PolicyHost_DomainWithoutModeOrNotHosted_404()
    {
        await using var server = await TestServer.StartAsync(db => db.Domains.Add(new Domain { Name = "quiet.test" }), "--urls=https://127.0.0.1:0");
        // The console serves the mail certificate for unknown names; curl is told to skip the name check only here.
        var port = new Uri(server.ConsoleUrl).Port;
        foreach (var host in new[] { "mta-sts.quiet.test", "mta-sts.nothosted.test" })
        {
            var (code, output) = await ExternalTool.RunAsync("curl", ["-sS", "-k", "--max-time", "10", "--resolve", $"{host}:{port}:127.0.0.1", "-o", "/dev/null", "-w", "%{http_code}",
                $"https://{host}:{port}/.well-known/mta-sts.txt"]);
            Assert.Equal(0, code);
            Assert.Equal("404", output.Trim());
        }
    }
}
