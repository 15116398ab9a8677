using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Acme;

/// <summary>
/// Answers tls-alpn-01 (RFC 8737) on MailHost:AcmeTlsAlpnPort: a handshake offering only the
/// "acme-tls/1" protocol for a name being validated gets a self-signed certificate carrying the
/// critical acmeIdentifier extension; every other handshake is refused. Bound only when an order needs it.
/// </summary>
public sealed class TlsAlpn01Responder : IAsyncDisposable
{
    public static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    // id-pe-acmeIdentifier (RFC 8737 §6.1).
    private const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    private readonly AcmeChallengeAnswers _answers;
    private readonly AcmeResponderSocket _socket;

    public TlsAlpn01Responder(AcmeChallengeAnswers answers, IOptions<AcmeOptions> options, ILogger<TlsAlpn01Responder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _answers = answers;
        _socket = new AcmeResponderSocket(options.Value.AcmeBindAddress, options.Value.AcmeTlsAlpnPort, ServeAsync, logger);
    }

    public Task EnsureListeningAsync() => _socket.EnsureBoundAsync();

    /// <summary>The validation certificate for <paramref name="domain"/>: SAN = the name, acmeIdentifier = SHA-256 of the key authorization.</summary>
    public static SslStreamCertificateContext CreateCertificate(string domain, string keyAuthorization)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(domain);
        request.CertificateExtensions.Add(san.Build());
        var digest = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(keyAuthorization));
        // The extension value is the DER encoding of an OCTET STRING holding the digest.
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteOctetString(digest);
        request.CertificateExtensions.Add(new X509Extension(AcmeIdentifierOid, writer.Encode(), critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so the key is usable by SslStream on Linux.
        var loaded = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        return SslStreamCertificateContext.Create(loaded, additionalCertificates: null, offline: true);
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        await using var ssl = new SslStream(new NetworkStream(client, ownsSocket: false));
        try
        {
            await ssl.AuthenticateAsServerAsync((_, hello, _, _) =>
            {
                var context = _answers.TlsAlpn(hello.ServerName)
                    ?? throw new AuthenticationException($"no tls-alpn-01 challenge is pending for '{hello.ServerName}'");
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = context,
                    ApplicationProtocols = [AcmeTls1],
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                });
            }, null, cancellationToken);
        }
        catch (AuthenticationException)
        {
            return;
        }
        // RFC 8737 §3: the validation is the handshake itself; nothing is exchanged after it.
        if (ssl.NegotiatedApplicationProtocol != AcmeTls1)
        {
            return;
        }
        await ssl.ShutdownAsync();
    }

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
