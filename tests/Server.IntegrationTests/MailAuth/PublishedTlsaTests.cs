using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using MailHost.Server.Cli;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Tls;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.MailAuth;

/// <summary>
/// Our own MTA-STS TXT and TLSA records in `mailhost dns show`, and the cert commands' TLSA guard, against a
/// validating unbound serving a zone signed with ldns-signzone (so the AD bit is real). The expected TLSA hash
/// comes from openssl, not from MailHost's code.
/// </summary>
public sealed class PublishedTlsaTests : IAsyncLifetime
{
    private const string Host = "mx.signed.test";
    private string _dataDir = "";

    public async Task InitializeAsync()
    {
        (_dataDir, _) = await TestDataDir.CreateAsync();
        Assert.Equal(0, (await RunAsync("server", "set", "--hostname", Host)).Code);
        Assert.Equal(0, (await RunAsync("domain", "add", "example.test")).Code);
    }

    public Task DisposeAsync()
    {
        TestDataDir.Delete(_dataDir);
        return Task.CompletedTask;
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, $"--MailHost:DataDir={_dataDir}"], new StringReader(""), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<Certificate> DefaultAsync()
    {
        await using var db = new MailHostDbContext(MailHostDatabase.Options(_dataDir));
        return await db.Certificates.AsNoTracking().SingleAsync(c => c.IsDefault);
    }

    /// <summary>openssl's SHA-256 of the certificate's SubjectPublicKeyInfo: the data of a 3 1 1 record.</summary>
    private async Task<string> OpensslSpkiSha256Async(Certificate row)
    {
        using var certificate = CertificateFiles.Load(_dataDir, row.FilePath);
        var pem = Path.Combine(_dataDir, row.Name + ".pem");
        await File.WriteAllTextAsync(pem, certificate.ExportCertificatePem());
        var (code, output) = await ExternalTool.RunAsync("/bin/sh", ["-c", $"openssl x509 -in '{pem}' -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r"]);
        Assert.Equal(0, code);
        return output.Split(' ')[0].Trim();
    }

    private static Task<UnboundServer> ZonesAsync(string tlsaHash, string mtaStsTxt) => UnboundServer.StartAsync(
        "signed.test", ["mx IN A 127.0.0.1", $"_25._tcp.mx IN TLSA 3 1 1 {tlsaHash}"],
        "example.test", ["@ IN MX 10 mx.signed.test.", $"_mta-sts IN TXT \"{mtaStsTxt}\"", "mta-sts IN CNAME mx.signed.test."]);

    [Fact]
    public async Task DnsShow_OurMtaStsIdAndTlsaRecord_CheckedAgainstSignedLiveRecords()
    {
        Assert.Equal(0, (await RunAsync("domain", "set", "example.test", "--mta-sts", "enforce", "--mta-sts-max-age", "86400")).Code);
        // The policy is a domain's: `alias set` is no verb (it once changed the domain named as if it were an alias).
        Assert.Equal(2, (await RunAsync("alias", "set", "example.test", "--mta-sts", "none")).Code);
        // Without DNS the report still says what to publish: the id to copy into the zone.
        var offline = (await RunAsync("dns", "show", "example.test", "--MailHost:DnsServers=127.0.0.1:9", "--MailHost:DnsTimeoutMilliseconds=300")).Out;
        var txt = Regex.Match(offline, @"_mta-sts\.example\.test\. TXT ""(v=STSv1; id=[0-9a-z]+)""").Groups[1].Value;
        Assert.NotEmpty(txt);
        var hash = await OpensslSpkiSha256Async(await DefaultAsync());
        Assert.Contains($"_25._tcp.{Host}. TLSA 3 1 1 {hash}", offline, StringComparison.Ordinal);

        using (var dns = await ZonesAsync(hash, txt))
        {
            var (code, output, _) = await RunAsync("dns", "show", "example.test", $"--MailHost:DnsServers={dns.EndPoint}");
            Assert.Equal(0, code);
            Assert.Matches(@"MTA-STS\s+OK\s+_mta-sts\.example\.test\. TXT ""v=STSv1; id=", output);
            Assert.Contains("id matches the policy served (enforce, max_age 86400)", output, StringComparison.Ordinal);
            Assert.Matches(@"MTA-STS host\s+OK\s+mta-sts\.example\.test\. CNAME mx\.signed\.test\.", output);
            Assert.Matches(@"TLSA\s+OK\s+_25\._tcp\.mx\.signed\.test\. TLSA 3 1 1 " + hash, output);
            Assert.Contains("DNSSEC-validated", output, StringComparison.Ordinal);

            // A changed policy changes the id: the live record is now stale, and says so.
            Assert.Equal(0, (await RunAsync("domain", "set", "example.test", "--mta-sts", "testing")).Code);
            output = (await RunAsync("dns", "show", "example.test", $"--MailHost:DnsServers={dns.EndPoint}")).Out;
            Assert.Matches(@"MTA-STS\s+FIX\s+_mta-sts\.example\.test\.", output);
            Assert.Contains("id differs from the policy served", output, StringComparison.Ordinal);
            Assert.DoesNotContain(txt + "\"", output.Split('\n').First(l => l.Contains("_mta-sts.example.test. TXT", StringComparison.Ordinal)), StringComparison.Ordinal);
        }

        // A published TLSA record for another key: flagged, DANE senders would defer.
        using (var other = await ZonesAsync(new string('a', 64), txt))
        {
            var output = (await RunAsync("dns", "show", "example.test", $"--MailHost:DnsServers={other.EndPoint}")).Out;
            Assert.Matches(@"TLSA\s+FIX\s+_25\._tcp\.mx\.signed\.test\.", output);
            Assert.Contains("DANE senders defer mail", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CertCommands_NewKeyAgainstLiveTlsa_RefusedWithoutForce_SameKeyRenewalAccepted()
    {
        var original = await DefaultAsync();
        var hash = await OpensslSpkiSha256Async(original);
        using var dns = await ZonesAsync(hash, "v=STSv1; id=1");
        var dnsArg = $"--MailHost:DnsServers={dns.EndPoint}";

        // A new key for the host name: refused, naming the record, and nothing is written.
        var refused = await RunAsync("cert", "self-signed", "fresh", Host, "--default", dnsArg);
        Assert.Equal(1, refused.Code);
        Assert.Contains($"_25._tcp.{Host}. TLSA 3 1 1 {hash}", refused.Err, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("fresh", (await RunAsync("cert", "list")).Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dataDir, "certs"), "fresh-*"));

        // A renewal that keeps the key (what ACME does by default): a new certificate, the same SPKI, no question.
        using (var current = CertificateFiles.Load(_dataDir, original.FilePath))
        {
            var key = Path.Combine(_dataDir, "key.pem");
            await File.WriteAllTextAsync(key, current.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            var renewed = Path.Combine(_dataDir, "renewed.pem");
            var (code, output) = await ExternalTool.RunAsync("openssl", ["req", "-x509", "-key", key, "-subj", "/CN=" + Host, "-addext", "subjectAltName=DNS:" + Host, "-days", "90", "-out", renewed]);
            Assert.True(code == 0, output);
            await File.AppendAllTextAsync(renewed, await File.ReadAllTextAsync(key));
            var import = await RunAsync("cert", "import", "renewed", renewed, "--default", dnsArg);
            Assert.True(import.Code == 0, import.Err);
        }
        Assert.Equal("renewed", (await DefaultAsync()).Name);

        // --force saves anyway, and still warns.
        var forced = await RunAsync("cert", "self-signed", "fresh", Host, "--default", "--force", dnsArg);
        Assert.Equal(0, forced.Code);
        Assert.Contains("warning", forced.Err, StringComparison.Ordinal);
        Assert.Equal("fresh", (await DefaultAsync()).Name);

        // Back to a certificate with the published key: allowed; away from it again: refused.
        Assert.Equal(0, (await RunAsync("cert", "default", "renewed", dnsArg)).Code);
        var away = await RunAsync("cert", "default", "fresh", dnsArg);
        Assert.Equal(1, away.Code);
        Assert.Contains($"TLSA 3 1 1 {hash}", away.Err, StringComparison.Ordinal);
        Assert.Equal("renewed", (await DefaultAsync()).Name);
    }
}
