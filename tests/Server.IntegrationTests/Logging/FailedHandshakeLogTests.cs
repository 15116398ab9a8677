using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Logging;

/// <summary>
/// Issue 14 defect 4: `openssl s_client -tls1_2` against TLS-1.3-only listeners leaves a TLS log row
/// with the offered version, the SNI and the reason, on implicit TLS ("failed") and after STARTTLS
/// ("starttls failed", not "none" like a plaintext session).
/// </summary>
public sealed class FailedHandshakeLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OpensslTls12_AgainstTls13Only_ImplicitAndStartTls_BothLoggedWithOfferAndSni()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            foreach (var p in db.TlsPolicies)
            {
                p.Tls10 = p.Tls11 = p.Tls12 = false;
                p.Tls13 = true;
            }
        });
        var implicitPort = server.Port("submissions");
        var startTlsPort = server.Port("submission");
        var (code1, text1) = await ExternalTool.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{implicitPort}", "-tls1_2", "-servername", "implicit.test.local"], stdin: "");
        var (code2, text2) = await ExternalTool.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{startTlsPort}", "-starttls", "smtp", "-tls1_2", "-servername", "starttls.test.local"], stdin: "");
        output.WriteLine(text1);
        output.WriteLine(text2);
        Assert.NotEqual(0, code1);
        Assert.NotEqual(0, code2);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await server.Services.GetRequiredService<ActivityLog>().FlushAsync(cts.Token);
        await using var logs = new LogsDbContext(LogsDatabase.Options(server.DataDir));
        var rows = await logs.TlsLog.Where(e => e.Listener == "submissions" || e.Listener == "submission").ToListAsync(cts.Token);
        foreach (var r in rows)
        {
            output.WriteLine($"{r.Listener} {r.Handshake} offered={r.OfferedVersions} sni={r.Sni} failure={r.Failure}");
        }

        var implicitRow = Assert.Single(rows, r => r.Listener == "submissions");
        Assert.Equal(TlsHandshakeStates.Failed, implicitRow.Handshake);
        Assert.Equal("TLSv1.2", implicitRow.OfferedVersions);
        Assert.Equal("implicit.test.local", implicitRow.Sni);
        Assert.StartsWith("protocol version (alert 70): the policy allows TLSv1.3", implicitRow.Failure, StringComparison.Ordinal);
        Assert.Equal("", implicitRow.TlsVersion);

        var startTlsRow = Assert.Single(rows, r => r.Listener == "submission");
        Assert.Equal(TlsHandshakeStates.StartTlsFailed, startTlsRow.Handshake);
        Assert.Equal("TLSv1.2", startTlsRow.OfferedVersions);
        Assert.Equal("starttls.test.local", startTlsRow.Sni);
        Assert.StartsWith("protocol version (alert 70)", startTlsRow.Failure, StringComparison.Ordinal);
    }
}
