using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Security;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.MailAuth;

/// <summary>
/// Incoming aggregate reports: python smtplib sends them to the configured report address; gzip and zip
/// reports are stored and listed by `mailhost dmarc reports list`; a gzip bomb, a zip bomb, XML nested
/// 100 000 deep and a DTD with entities are delivered to the mailbox but refused by the parser, without
/// the managed heap growing by the bomb's size.
/// </summary>
public sealed class DmarcReportIntakeTests : IAsyncLifetime
{
    private const string Address = "dmarc@example.com";
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = Address, PasswordHash = SecurityWorld.CheapHash("pw") });
        }, $"--MailHost:DmarcReports:Address={Address}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GzipAndZipReports_Stored_ListedPerReporterDomainAndIp()
    {
        await SendAsync("gzip");
        await SendAsync("zip");
        var rows = await WaitForRowsAsync(r => r.ReportId is "rep-gzip-1" or "rep-zip-1", 3);
        Assert.All(rows, r => Assert.Equal("example.com", r.PolicyDomain));
        Assert.All(rows, r => Assert.Equal("reporter.example", r.OrgName));
        Assert.Equal(new DateTime(2025, 12, 2, 0, 0, 0, DateTimeKind.Utc), rows[0].BeginUtc);

        var output = new StringWriter();
        Assert.Equal(0, await Cli.CliApp.RunAsync(["dmarc", "reports", "list", "--domain", "example.com", $"--MailHost:DataDir={_server.DataDir}"], TextReader.Null, output, output));
        var lines = output.ToString().Split('\n');
        // 192.0.2.10: 5 passing (gzip) + 2 passing on SPF (zip), in two reports; 192.0.2.66: 3 failing.
        Assert.Matches(@"example\.com\s+reporter\.example\s+192\.0\.2\.10\s+2\s+7\s+0\s", Assert.Single(lines, l => l.Contains("192.0.2.10", StringComparison.Ordinal)));
        Assert.Matches(@"example\.com\s+reporter\.example\s+192\.0\.2\.66\s+1\s+0\s+3\s", Assert.Single(lines, l => l.Contains("192.0.2.66", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("gzipbomb")]
    [InlineData("zipbomb")]
    [InlineData("deep")]
    [InlineData("dtd")]
    public async Task HostileReport_DeliveredButNotParsed_NoMemoryGrowth(string kind)
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        await SendAsync(kind);
        // The mailbox got it (delivery does not depend on the parser) ...
        await WaitForDeliveryAsync(kind);
        // ... and a good report sent after it is read, so the worker is alive and the hostile one was processed first.
        var marker = $"after-{kind}";
        await SendAsync("gzip");
        await WaitForRowsAsync(r => r.ReportId == "rep-gzip-1", 2);
        await using var db = await _server.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>().CreateDbContextAsync();
        Assert.False(await db.DmarcReceived.AnyAsync(r => r.ReportId == "dtd-1" || r.OrgName.Length > 255));
        GC.Collect();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        // The bombs expand to 300-512 MiB; the parser stops at 20 MiB of XML. 64 MiB leaves room for the test host's own noise.
        Assert.True(growth < 64L << 20, $"{marker}: managed heap grew by {growth >> 20} MiB (peak working set {peakBefore >> 20} → {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB)");
    }

    private async Task SendAsync(string kind)
    {
        var (code, output) = await Smtp.ExternalTool.RunAsync("/usr/bin/python3",
            [Path.Combine(AppContext.BaseDirectory, "MailAuth", "dmarc_send_reports.py"), _server.Port("smtp").ToString(CultureInfo.InvariantCulture), Address, kind], timeoutSeconds: 180);
        Assert.True(code == 0, output);
    }

    private async Task WaitForDeliveryAsync(string kind)
    {
        var store = Path.Combine(_server.DataDir, "store");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(store) && Directory.EnumerateFiles(store, "*.eml", SearchOption.AllDirectories).Any(f => ReadHead(f).Contains($"Report-ID: {kind}", StringComparison.Ordinal)))
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the {kind} report never reached the mailbox");
    }

    private static string ReadHead(string file)
    {
        using var stream = File.OpenRead(file);
        var buffer = new byte[4096];
        return System.Text.Encoding.ASCII.GetString(buffer, 0, stream.Read(buffer));
    }

    private async Task<List<DmarcReceivedRecord>> WaitForRowsAsync(Func<DmarcReceivedRecord, bool> match, int count)
    {
        var factory = _server.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using (var db = await factory.CreateDbContextAsync())
            {
                var rows = (await db.DmarcReceived.AsNoTracking().ToListAsync()).Where(match).ToList();
                if (rows.Count >= count)
                {
                    return rows;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "the report rows never appeared");
            await Task.Delay(100);
        }
    }
}
