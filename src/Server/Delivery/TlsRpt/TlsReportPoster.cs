using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>
/// POSTs a TLS-RPT report to an https: rua (RFC 8460 §5.4): the server certificate must verify (system CAs or
/// MailHost:OutboundTrustedCaFile), redirects are not followed, the host is resolved through MailHost's resolver,
/// the whole request has a time limit and the answer body is not read beyond a few KB.
/// </summary>
public sealed class TlsReportPoster : IDisposable
{
    private readonly HttpClient _http;

    public TlsReportPoster(IDnsResolver dns, OutboundTlsVerifier verifier, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = VerifiedHttpsHandler.Create(dns, verifier);
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(Math.Max(1, options.TlsReportHttpsTimeoutSeconds)), MaxResponseContentBufferSize = 64 * 1024 };
    }

    /// <summary>Null when the server took the report (any 2xx), else why not.</summary>
    public async Task<string?> PostAsync(Uri url, byte[] gzipped, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var content = new ByteArrayContent(gzipped);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/tlsrpt+gzip");
        try
        {
            using var response = await _http.PostAsync(url, content, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"{url} answered {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or DnsException && !cancellationToken.IsCancellationRequested)
        {
            return $"{url}: {ex.Message}";
        }
    }

    public void Dispose() => _http.Dispose();
}
