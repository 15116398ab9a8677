using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Security;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Logging;
using MailHost.Server.MailAuth.Reports;
using MailHost.Shared.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.MailAuth;

/// <summary>
/// Outgoing DMARC aggregate reports end to end: swaks sends from 127.0.0.2 and 127.0.0.3 (ranges flagged
/// "verify sender authentication") for domains whose DMARC records dnsmasq serves; one reporting run
/// queues the reports, MailHost's remote worker signs and delivers them to smtp-sink; dkimpy verifies the
/// signature and python's xml.etree checks the RFC 9990 structure and the counts. The rules are checked
/// by what is not sent: a third-party rua without the _report._dmarc record, an abuse-like mailbox, a
/// "!size" too small, a domain whose mail never passed DMARC.
/// </summary>
public sealed class DmarcReportSendTests
{
    private const string Ours = DeliveryHarness.LocalDomain;

    [Fact]
    public async Task ReportRun_SignedReportsToAuthorizedRua_RulesSkipTheRest()
    {
        string Spf(string domain) => DnsmasqServer.Txt(domain, "v=spf1 ip4:127.0.0.2 -all");
        using var dns = await DnsmasqServer.StartAsync([
            Spf("good.test"), DnsmasqServer.Txt("_dmarc.good.test", "v=DMARC1; p=none; rua=mailto:dmarc@good.test"),
            // A third-party destination that authorizes ext.test, and one that does not authorize noauth.test.
            Spf("ext.test"), DnsmasqServer.Txt("_dmarc.ext.test", "v=DMARC1; p=quarantine; rua=mailto:agg@reports.test"),
            DnsmasqServer.Txt("ext.test._report._dmarc.reports.test", "v=DMARC1"),
            Spf("noauth.test"), DnsmasqServer.Txt("_dmarc.noauth.test", "v=DMARC1; p=none; rua=mailto:agg@thirdparty.test"),
            Spf("abuse.test"), DnsmasqServer.Txt("_dmarc.abuse.test", "v=DMARC1; p=none; rua=mailto:abuse@abuse.test"),
            Spf("tiny.test"), DnsmasqServer.Txt("_dmarc.tiny.test", "v=DMARC1; p=none; rua=mailto:dmarc@tiny.test!500"),
            // Its SPF allows someone else: every message from it fails DMARC, so it earns no report.
            DnsmasqServer.Txt("spammy.test", "v=spf1 ip4:127.0.0.9 -all"), DnsmasqServer.Txt("_dmarc.spammy.test", "v=DMARC1; p=none; rua=mailto:dmarc@spammy.test"),
            DnsmasqServer.Txt("helo.test", "v=spf1 ip4:127.0.0.0/8 -all"),
            DnsmasqServer.Mx("good.test", "mx.peer.test", 10), DnsmasqServer.Mx("reports.test", "mx.peer.test", 10),
            DnsmasqServer.Address("mx.peer.test", "127.0.0.1"),
        ]);
        using var sink = await SmtpSink.StartAsync();
        await using var server = await DeliveryHarness.StartAsync(dns, sink.Port, db =>
        {
            db.Accounts.Add(new Account { Address = "bob@" + Ours, PasswordHash = SecurityWorld.CheapHash("pw") });
            db.IpRanges.Add(new IpRange { Name = "Internet A", Priority = 30, LowerAddress = "127.0.0.2/32", VerifySenderAuthentication = true, RequireTlsForAuth = false });
            db.IpRanges.Add(new IpRange { Name = "Internet B", Priority = 30, LowerAddress = "127.0.0.3/32", VerifySenderAuthentication = true, RequireTlsForAuth = false });
        }, "--MailHost:DmarcReports:Send=true", "--MailHost:DmarcReports:IntervalSeconds=3600");
        var txt = await GenerateKeyAsync(server);

        foreach (var (client, domain) in new[] { ("127.0.0.2", "good.test"), ("127.0.0.2", "good.test"), ("127.0.0.3", "good.test"), ("127.0.0.2", "ext.test"),
            ("127.0.0.2", "noauth.test"), ("127.0.0.2", "abuse.test"), ("127.0.0.2", "tiny.test"), ("127.0.0.2", "spammy.test") })
        {
            Assert.Contains("250 2.0.0 Ok: queued", await SwaksAsync(server, client, "alice@" + domain));
        }
        await server.Services.GetRequiredService<ActivityLog>().FlushAsync(CancellationToken.None);

        var rows = await server.Services.GetRequiredService<DmarcReportSender>().RunAsync(CancellationToken.None);
        string Result(string domain) => string.Join(" | ", rows.Where(r => r.PolicyDomain == domain).Select(r => r.Result));
        Assert.Equal("queued", Result("good.test"));
        Assert.Equal("queued", Result("ext.test"));
        Assert.Contains("external destination thirdparty.test does not authorize reports for noauth.test", Result("noauth.test"));
        Assert.Contains("mailbox name contains \"abuse\"", Result("abuse.test"));
        Assert.Contains("over the destination's !size of 500", Result("tiny.test"));
        Assert.Contains("no delivered message passed DMARC", Result("spammy.test"));
        Assert.Contains(rows, r => r.PolicyDomain == "" && r.Result.StartsWith("run: 6 domains, 2 reports queued", StringComparison.Ordinal));

        var reports = await WaitForSinkAsync(sink, 2);
        using var keyDns = await DnsmasqServer.StartAsync([DnsmasqServer.Txt($"s1._domainkey.{Ours}", txt)]);
        var summaries = new Dictionary<string, JsonElement>();
        foreach (var report in reports)
        {
            var (verifyExit, verified) = await PythonAsync(report, Path.Combine(AppContext.BaseDirectory, "Dkim", "dkim_verify.py"), keyDns.Port.ToString(CultureInfo.InvariantCulture));
            Assert.True(verifyExit == 0, verified);
            var (checkExit, json) = await PythonAsync(report, Path.Combine(AppContext.BaseDirectory, "MailAuth", "dmarc_report_check.py"));
            Assert.True(checkExit == 0, json);
            var summary = JsonDocument.Parse(json).RootElement;
            summaries[summary.GetProperty("policy").GetProperty("domain").GetString()!] = summary;
        }
        var good = summaries["good.test"];
        Assert.Equal("dmarc@good.test", good.GetProperty("to").GetString());
        Assert.Equal($"postmaster@{Ours}", good.GetProperty("meta").GetProperty("email").GetString());
        Assert.StartsWith("Report Domain: good.test Submitter: ", good.GetProperty("subject").GetString(), StringComparison.Ordinal);
        var goodRows = good.GetProperty("records").EnumerateArray().ToDictionary(r => r.GetProperty("source_ip").GetString()!);
        Assert.Equal("2", goodRows["127.0.0.2"].GetProperty("count").GetString());
        Assert.Equal("pass", goodRows["127.0.0.2"].GetProperty("policy_evaluated/spf").GetString());
        Assert.Equal("1", goodRows["127.0.0.3"].GetProperty("count").GetString());
        Assert.Equal("fail", goodRows["127.0.0.3"].GetProperty("policy_evaluated/spf").GetString());
        Assert.Equal("fail", goodRows["127.0.0.3"].GetProperty("spf_result").GetString());
        Assert.Equal("agg@reports.test", summaries["ext.test"].GetProperty("to").GetString());
        Assert.Equal("quarantine", summaries["ext.test"].GetProperty("policy").GetProperty("p").GetString());
        Assert.NotEqual(good.GetProperty("meta").GetProperty("report_id").GetString(), summaries["ext.test"].GetProperty("meta").GetProperty("report_id").GetString());

        // The next run starts where this one ended: nothing new, nothing sent twice.
        var again = await server.Services.GetRequiredService<DmarcReportSender>().RunAsync(CancellationToken.None);
        Assert.Equal("run: 0 domains, 0 reports queued", Assert.Single(again).Result);
    }

    private static async Task<string> GenerateKeyAsync(TestServer server)
    {
        var output = new StringWriter();
        Assert.Equal(0, await Cli.CliApp.RunAsync(["dkim", "generate", Ours, "--selector", "s1", "--algorithm", "ed25519", "--active", $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output));
        output = new StringWriter();
        Assert.Equal(0, await Cli.CliApp.RunAsync(["dkim", "show", Ours, $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output));
        var zoneLine = output.ToString().Trim().Split('\n').Last(l => l.Contains("IN TXT", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Snapshot.Current.DkimKeys.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "the new DKIM key never reached the snapshot");
            await Task.Delay(50);
        }
        return string.Concat(zoneLine[(zoneLine.IndexOf('(') + 1)..zoneLine.LastIndexOf(')')].Split('"').Where((_, i) => i % 2 == 1));
    }

    private static async Task<string> SwaksAsync(TestServer server, string client, string from)
    {
        var (_, output) = await ExternalTool.RunAsync("swaks",
            ["--server", "127.0.0.1", "--port", server.Port("smtp").ToString(CultureInfo.InvariantCulture), "--local-interface", client,
             "--from", from, "--to", "bob@" + Ours, "--helo", "helo.test", "--timeout", "20", "--header", $"From: <{from}>"]);
        return output;
    }

    private static async Task<List<string>> WaitForSinkAsync(SmtpSink sink, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (sink.Messages().Length < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{sink.Messages().Length} of {count} reports reached smtp-sink");
            await Task.Delay(100);
        }
        await Task.Delay(200);
        return [.. sink.Messages()];
    }

    private static async Task<(int Exit, string Output)> PythonAsync(string message, string script, params string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        // smtp-sink writes LF line ends; the message on the wire had CRLF.
        var crlf = message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(crlf));
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
