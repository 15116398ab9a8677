using MailHost.Server.Cli;
using MailHost.Server.Dkim;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.MailAuth;

/// <summary>`mailhost dns show DOMAIN` against a real DNS server (dnsmasq) publishing some records right and some not at all.</summary>
public sealed class DnsShowTests : IAsyncLifetime
{
    private string _dataDir = "";

    public async Task InitializeAsync() => (_dataDir, _) = await TestDataDir.CreateAsync();

    public Task DisposeAsync()
    {
        TestDataDir.Delete(_dataDir);
        return Task.CompletedTask;
    }

    private async Task<(int Code, string Out)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await CliApp.RunAsync([.. args, $"--MailHost:DataDir={_dataDir}"], new StringReader(""), output, new StringWriter());
        return (code, output.ToString());
    }

    [Fact]
    public async Task DnsShow_ChecksEachRecordAgainstTheLiveDns()
    {
        Assert.Equal(0, (await RunAsync("domain", "add", "example.test")).Code);
        Assert.Equal(0, (await RunAsync("dkim", "generate", "example.test", "--selector", "s1", "--active", "--algorithm", "ed25519")).Code);
        string txt;
        await using (var db = new MailHostDbContext(MailHostDatabase.Options(_dataDir)))
        {
            var key = await db.DkimKeys.SingleAsync();
            txt = DkimKeyMaterial.TxtRecord(key.Algorithm, key.PrivateKeyPem);
        }
        using var dns = await DnsmasqServer.StartAsync(
        [
            DnsmasqServer.Mx("example.test", TestDataDir.Hostname, 10),
            DnsmasqServer.Txt("example.test", "v=spf1 mx +all"),
            DnsmasqServer.Txt("s1._domainkey.example.test", txt),
            DnsmasqServer.Txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tls@example.test"),
        ]);
        var (code, output) = await RunAsync("dns", "show", "example.test", $"--MailHost:DnsServers={dns.EndPoint}");
        Assert.Equal(0, code);
        Assert.Matches(@"MX\s+OK\s+example\.test\. MX 10 ", output);
        // "+all" lets anyone send: flagged, with the record to publish instead.
        Assert.Matches(@"SPF\s+FIX\s+example\.test\. TXT ""v=spf1 mx -all""", output);
        Assert.Contains("does not end in -all or ~all", output, StringComparison.Ordinal);
        Assert.Matches(@"DKIM\s+OK\s+s1\._domainkey\.example\.test\. TXT ""v=DKIM1; k=ed25519; p=", output);
        Assert.Matches(@"DMARC\s+FIX\s+_dmarc\.example\.test\. TXT ""v=DMARC1; p=quarantine", output);
        // MTA-STS mode none: nothing to publish, and no record is live.
        Assert.Matches(@"MTA-STS\s+OK\s+_mta-sts\.example\.test\.", output);
        Assert.Contains("not published (MTA-STS mode is none", output, StringComparison.Ordinal);
        Assert.Matches(@"TLSA\s+FIX\s+_25\._tcp\.mx\.test\.local\. TLSA 3 1 1 [0-9a-f]{64}", output);
        Assert.Matches(@"TLS-RPT\s+OK\s+_smtp\._tls\.example\.test\.", output);
    }
}
