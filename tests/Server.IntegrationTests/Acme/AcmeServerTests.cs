using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;

namespace MailHost.Server.IntegrationTests.Acme;

/// <summary>
/// The running server orders from a real pebble what `mailhost cert acme add` defined, serves it on
/// every TLS listener (checked with openssl s_client against pebble's root), renews and swaps it live.
/// </summary>
public sealed class AcmeServerTests
{
    private const string Name = "mail.acme.test";

    [Fact]
    public async Task Http01_AddedByCli_IssuedAndServedWithChainOn993And465_RestartKeepsAccountAndCertificate()
    {
        await using var pebble = await PebbleServer.StartAsync([Name]);
        await using var host = await AcmeHost.CreateAsync(pebble);
        await host.StartAsync();

        var add = await host.CliAsync("cert", "acme", "add", "mail", "--domain", Name, "--directory", pebble.DirectoryUrl.ToString(),
            "--email", "admin@acme.test", "--agree-tos", "--default");
        Assert.True(add.Code == 0, add.Out);
        var row = await host.WaitForListAsync("mail", r => r.Contains("valid until", StringComparison.Ordinal) || r.Contains("error", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Contains("valid until", row, StringComparison.Ordinal);

        var root = await WriteRootAsync(pebble, host.DataDir);
        var imaps = await ServedAsync(host.Ports["imaps"], root);
        var submissions = await ServedAsync(host.Ports["submissions"], root);
        Assert.Equal(imaps.Thumbprint, submissions.Thumbprint);
        Assert.Contains(Name, MailHost.Server.Tls.CertificateFiles.HostNames(imaps));

        string accountUrl;
        await using (var db = new Shared.Data.MailHostDbContext(Shared.Data.MailHostDatabase.Options(host.DataDir)))
        {
            accountUrl = db.AcmeAccounts.Single().AccountUrl;
            Assert.StartsWith("https://127.0.0.1:", accountUrl, StringComparison.Ordinal);
        }

        await host.StopAsync();
        await host.StartAsync();
        // The same certificate is served at once after the restart, and no second account is made.
        Assert.Equal(imaps.Thumbprint, (await ServedAsync(host.Ports["imaps"], root)).Thumbprint);
        await using (var db = new Shared.Data.MailHostDbContext(Shared.Data.MailHostDatabase.Options(host.DataDir)))
        {
            Assert.Equal(accountUrl, db.AcmeAccounts.Single().AccountUrl);
            Assert.Equal(Shared.Entities.AcmeCertificateState.Valid, db.AcmeCertificates.Single().State);
        }
    }

    [Fact]
    public async Task TlsAlpn01_ShortLivedCertificate_RenewedAndSwappedLive_KeyKept_OpenImapSessionKeepsWorking()
    {
        // 30 s certificates: the renewer orders again at 20 s.
        await using var pebble = await PebbleServer.StartAsync([Name], validitySeconds: 30);
        await using var host = await AcmeHost.CreateAsync(pebble);
        await host.StartAsync();
        var add = await host.CliAsync("cert", "acme", "add", "mail", "--domain", Name, "--directory", pebble.DirectoryUrl.ToString(),
            "--email", "admin@acme.test", "--challenge", "tls-alpn-01", "--agree-tos", "--default");
        Assert.True(add.Code == 0, add.Out);
        Assert.Contains("valid until", await host.WaitForListAsync("mail", r => r.Contains("valid until", StringComparison.Ordinal) || r.Contains("error", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), StringComparison.Ordinal);
        var root = await WriteRootAsync(pebble, host.DataDir);
        var first = await ServedAsync(host.Ports["imaps"], root);

        // An IMAP session over TLS opened before the renewal (openssl s_client as the client).
        using var session = ImapOverOpenSsl.Start(host.Ports["imaps"]);
        Assert.StartsWith("* OK", await session.ReadLineAsync(), StringComparison.Ordinal);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        X509Certificate2 renewed = first;
        while (renewed.Thumbprint == first.Thumbprint && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            renewed = await ServedAsync(host.Ports["imaps"], root);
        }
        Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);
        Assert.True(renewed.NotBefore >= first.NotBefore);
        Assert.Equal(renewed.Thumbprint, (await ServedAsync(host.Ports["submissions"], root)).Thumbprint);
        // The key is kept across renewals: a DANE 3 1 1 record (SHA-256 of the SPKI) stays valid.
        Assert.Equal(Convert.ToHexString(first.PublicKey.ExportSubjectPublicKeyInfo()), Convert.ToHexString(renewed.PublicKey.ExportSubjectPublicKeyInfo()));

        await session.WriteLineAsync("a1 NOOP");
        Assert.StartsWith("a1 OK", await session.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedChallenge_NothingAnswersWherePebbleLooks_ListShowsPebblesError_AndRetries()
    {
        await using var pebble = await PebbleServer.StartAsync([Name]);
        // Our responder listens elsewhere than pebble's httpPort: pebble's validation finds nobody.
        await using var host = await AcmeHost.CreateAsync(pebble, httpPort: FreePorts.Next());
        await host.StartAsync();
        var add = await host.CliAsync("cert", "acme", "add", "mail", "--domain", Name, "--directory", pebble.DirectoryUrl.ToString(),
            "--email", "admin@acme.test", "--agree-tos");
        Assert.True(add.Code == 0, add.Out);

        var row = await host.WaitForListAsync("mail", r => r.Contains("error", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        // Pebble's problem type and its detail, e.g. "error: connection: … connection refused".
        Assert.Contains("error: connection", row, StringComparison.Ordinal);
        Assert.Contains("http-01 for mail.acme.test", row, StringComparison.Ordinal);
        await using var db = new Shared.Data.MailHostDbContext(Shared.Data.MailHostDatabase.Options(host.DataDir));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (db.AcmeCertificates.AsNoTrackingQuery().Failures < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.True(db.AcmeCertificates.AsNoTrackingQuery().Failures >= 2, "the renewer retries after its back-off");
        Assert.Empty(db.Certificates.Where(c => c.Name == "mail"));
    }

    private static Task<string> WriteRootAsync(PebbleServer pebble, string dir) => ServedCertificate.WriteRootAsync(pebble, dir);

    private static Task<X509Certificate2> ServedAsync(int port, string rootFile) => ServedCertificate.FetchAsync(port, rootFile, Name);
}

internal static class AcmeQueryExtensions
{
    public static Shared.Entities.AcmeCertificate AsNoTrackingQuery(this Microsoft.EntityFrameworkCore.DbSet<Shared.Entities.AcmeCertificate> set) =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(set).Single();
}

/// <summary>openssl s_client as a long-lived IMAP client: lines in, lines out.</summary>
internal sealed class ImapOverOpenSsl : IDisposable
{
    private readonly Process _process;

    private ImapOverOpenSsl(Process process) => _process = process;

    public static ImapOverOpenSsl Start(int port)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "mail.acme.test", "-quiet", "-crlf" })
        {
            psi.ArgumentList.Add(a);
        }
        return new ImapOverOpenSsl(Process.Start(psi)!);
    }

    public async Task<string> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _process.StandardOutput.ReadLineAsync(cts.Token) ?? "";
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
