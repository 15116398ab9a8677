using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MailHost.Server.IntegrationTests.Hosting;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Tls;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Tls;

/// <summary>TLS options are taken per handshake from the current settings: versions, suites and the certificate.</summary>
public sealed class TlsPolicyTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ImplicitTls_DefaultPolicy_Tls13AndTls12Work_Tls11Refused()
    {
        var port = _server.Port("submissions");
        Assert.Equal(SslProtocols.Tls13, (await HandshakeAsync(port, SslProtocols.Tls13)).Protocol);
        Assert.Equal(SslProtocols.Tls12, (await HandshakeAsync(port, SslProtocols.Tls12)).Protocol);
#pragma warning disable SYSLIB0039
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(port, SslProtocols.Tls11));
#pragma warning restore SYSLIB0039
    }

    [Fact]
    public async Task DisableTls12InPolicy_NewTls12HandshakeRefusedWithin1s_Tls13StillWorks()
    {
        var port = _server.Port("imaps");
        Assert.Equal(SslProtocols.Tls12, (await HandshakeAsync(port, SslProtocols.Tls12)).Protocol);

        await _server.Settings.UpdateAsync("test", "tls13 only", (d, _) => d.TlsPolicies.Single(p => p.Name == "intermediate").Tls12 = false, CancellationToken.None);

        Assert.True(await ListenerReloadTests.WaitForAsync(async () =>
        {
            try
            {
                await HandshakeAsync(port, SslProtocols.Tls12);
                return false;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(1)));
        Assert.Equal(SslProtocols.Tls13, (await HandshakeAsync(port, SslProtocols.Tls13)).Protocol);
    }

    [Fact]
    public async Task Tls12Suites_AreOnlyThoseOfThePolicy_CheckedWithOpenSsl()
    {
        var port = _server.Port("pop3s");
        // An ECDSA certificate is the default, so of the intermediate list only ECDHE-ECDSA suites can complete.
        var ok = await OpenSslAsync(port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        Assert.Contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", ok);
        var cbc = await OpenSslAsync(port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA");
        Assert.DoesNotContain("Cipher is ECDHE-ECDSA-AES128-SHA", cbc);
        Assert.Contains("Cipher is (NONE)", cbc);
    }

    [Fact]
    public async Task RotateCertificate_WithOpenTlsSession_OnlyNewHandshakesUseNewCert()
    {
        var port = _server.Port("submissions");
        var (open, firstProtocol) = await ConnectTlsAsync(port, "mx.test.local");
        var before = open.RemoteCertificate!.GetCertHashString();

        using var fresh = SelfSignedCertificateFactory.CreateEcdsa("mx.test.local");
        var path = CertificateFiles.Save(_server.DataDir, "rotated", fresh);
        await _server.Settings.UpdateAsync("test", "rotate", (d, _) =>
        {
            d.Certificates.ForEach(c => c.IsDefault = false);
            d.Certificates.Add(new Certificate { Name = "rotated", FilePath = path, HostNames = "mx.test.local", Thumbprint = fresh.Thumbprint, IsDefault = true, NotAfterUtc = fresh.NotAfter.ToUniversalTime() });
        }, CancellationToken.None);

        Assert.True(await ListenerReloadTests.WaitForAsync(async () =>
        {
            var (s, _) = await ConnectTlsAsync(port, "mx.test.local");
            await using (s)
            {
                return s.RemoteCertificate!.GetCertHashString() == fresh.Thumbprint;
            }
        }, TimeSpan.FromSeconds(1)));
        // The session opened before the rotation still runs on its certificate.
        Assert.Equal(before, open.RemoteCertificate!.GetCertHashString());
        Assert.True(open.CanWrite);
        Assert.NotEqual(SslProtocols.None, firstProtocol);
        await open.DisposeAsync();
    }

    [Fact]
    public async Task Sni_PicksTheCertificateForTheName_ElseTheDefault()
    {
        using var other = SelfSignedCertificateFactory.CreateRsa("mail.other.test");
        var path = CertificateFiles.Save(_server.DataDir, "other", other);
        await _server.Settings.UpdateAsync("test", "sni", (d, _) => d.Certificates.Add(new Certificate
        {
            Name = "other",
            FilePath = path,
            HostNames = "mail.other.test",
            Thumbprint = other.Thumbprint,
            NotAfterUtc = other.NotAfter.ToUniversalTime(),
        }), CancellationToken.None);
        await _server.Snapshot.ReloadAsync(CancellationToken.None);
        var port = _server.Port("imaps");

        var (named, _) = await ConnectTlsAsync(port, "mail.other.test");
        var (fallback, _) = await ConnectTlsAsync(port, "unknown.test");
        await using (named)
        await using (fallback)
        {
            Assert.Equal(other.Thumbprint, named.RemoteCertificate!.GetCertHashString());
            Assert.NotEqual(other.Thumbprint, fallback.RemoteCertificate!.GetCertHashString());
        }
    }

    private static async Task<(SslProtocols Protocol, TlsCipherSuite Suite)> HandshakeAsync(int port, SslProtocols protocols)
    {
        var (ssl, protocol) = await ConnectTlsAsync(port, "mx.test.local", protocols);
        await using (ssl)
        {
            return (protocol, ssl.NegotiatedCipherSuite);
        }
    }

    private static async Task<(SslStream Stream, SslProtocols Protocol)> ConnectTlsAsync(int port, string host, SslProtocols protocols = SslProtocols.None)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port, cts.Token);
        var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, EnabledSslProtocols = protocols }, cts.Token);
        return (ssl, ssl.SslProtocol);
    }

    internal static async Task<string> OpenSslAsync(int port, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in (string[])["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "mx.test.local", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return await stdout + await stderr;
    }
}
