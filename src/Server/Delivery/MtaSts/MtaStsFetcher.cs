using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>
/// Fetches https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt (RFC 8461 §3.3): the certificate must verify
/// for that name (system CAs or MailHost:OutboundTrustedCaFile), redirects are refused, only 200 with
/// text/plain counts, the body is capped at 64 KB and the whole fetch at a time limit. The host name is
/// resolved through MailHost's own resolver, like every outbound look-up.
/// </summary>
public sealed class MtaStsFetcher : IDisposable
{
    public const int MaxPolicyBytes = 64 * 1024;
    private readonly HttpClient _http;
    private readonly int _port;

    public MtaStsFetcher(IDnsResolver dns, OutboundTlsVerifier verifier, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _port = options.MtaStsHttpsPort;
        var handler = VerifiedHttpsHandler.Create(dns, verifier);
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.MtaStsFetchTimeoutSeconds), MaxResponseContentBufferSize = MaxPolicyBytes };
    }

    /// <summary>The policy text, or why the fetch failed (for the logs and TLS-RPT's sts-* result types).</summary>
    public async Task<(string? Text, MtaStsFailure? Error)> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        var url = new Uri($"https://mta-sts.{domain}:{_port.ToString(CultureInfo.InvariantCulture)}/.well-known/mta-sts.txt");
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, new MtaStsFailure(MtaStsFailureKind.FetchError, $"{url} answered {(int)response.StatusCode}"));
            }
            if (response.Content.Headers.ContentType?.MediaType is not "text/plain")
            {
                return (null, new MtaStsFailure(MtaStsFailureKind.FetchError, $"{url} is not text/plain"));
            }
            return (await response.Content.ReadAsStringAsync(cancellationToken), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or DnsException or AuthenticationException
            && !cancellationToken.IsCancellationRequested)
        {
            // SocketsHttpHandler wraps a refused certificate as HttpRequestException(AuthenticationException).
            var webPki = ex is AuthenticationException || ex.InnerException is AuthenticationException;
            return (null, new MtaStsFailure(webPki ? MtaStsFailureKind.WebPkiInvalid : MtaStsFailureKind.FetchError, $"{url}: {ex.Message}"));
        }
    }

    public void Dispose() => _http.Dispose();
}
