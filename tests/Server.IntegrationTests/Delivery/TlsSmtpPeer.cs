using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// A small receiving MX for the TLS scenarios (smtp-sink has no STARTTLS): offers STARTTLS with the
/// given certificate, optionally AUTH PLAIN after TLS, and records each message with the TLS version it came over.
/// </summary>
public sealed class TlsSmtpPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly string? _authToken;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public TlsSmtpPeer(X509Certificate2 certificate, string? requiredUser = null, string? requiredPassword = null)
    {
        _certificate = certificate;
        _authToken = requiredUser is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{requiredUser}\0{requiredPassword}"));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<(string Message, SslProtocols? Tls, bool Authenticated)> Received { get; } = new();

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(TimeSpan.FromSeconds(20));
        Stream stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        SslProtocols? tls = null;
        var authenticated = false;
        async Task Send(string s)
        {
            var b = Encoding.Latin1.GetBytes(s + "\r\n");
            await stream.WriteAsync(b, cts.Token);
        }
        try
        {
            await Send("220 peer.test ESMTP");
            while (await reader.ReadLineAsync(cts.Token) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Send(tls is null ? "250-peer.test\r\n250-8BITMIME\r\n250 STARTTLS" : _authToken is null ? "250-peer.test\r\n250 8BITMIME" : "250-peer.test\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN");
                        break;
                    case "STARTTLS":
                        await Send("220 go ahead");
                        var ssl = new SslStream(stream, false);
                        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cts.Token);
                        tls = ssl.SslProtocol;
                        stream = ssl;
                        reader = new StreamReader(stream, Encoding.Latin1);
                        break;
                    case "AUTH":
                        authenticated = tls is not null && line == $"AUTH PLAIN {_authToken}";
                        await Send(authenticated ? "235 2.7.0 ok" : "535 5.7.8 bad credentials");
                        break;
                    case "MAIL":
                        await Send(_authToken is not null && !authenticated ? "530 5.7.0 authentication required" : "250 ok");
                        break;
                    case "RCPT":
                        await Send("250 ok");
                        break;
                    case "DATA":
                        await Send("354 go");
                        var message = new StringBuilder();
                        while (await reader.ReadLineAsync(cts.Token) is { } data && data != ".")
                        {
                            message.Append(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data).Append("\r\n");
                        }
                        Received.Enqueue((message.ToString(), tls, authenticated));
                        await Send("250 2.0.0 queued");
                        break;
                    case "QUIT":
                        await Send("221 bye");
                        return;
                    default:
                        await Send("250 ok");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}

/// <summary>Certificates for the TLS scenarios: a throwaway test CA and leaves signed by it or self-signed.</summary>
public static class TestCertificates
{
    public static X509Certificate2 SelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(host, key);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    /// <summary>A CA (written as PEM to <paramref name="caPemPath"/>) and a leaf for <paramref name="host"/> it signed.</summary>
    public static X509Certificate2 CaSigned(string host, string caPemPath)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=MailHost Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(60));
        File.WriteAllText(caPemPath, ca.ExportCertificatePem());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(host, key);
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(8));
        using var withKey = leaf.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }

    private static CertificateRequest Request(string host, ECDsa key)
    {
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }
}
