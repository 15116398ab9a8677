using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace MailHost.Server.Acme;

/// <summary>
/// The RFC 8555 protocol over HTTPS: directory, nonces (a badNonce is retried with the fresh nonce
/// the error carries), account, orders, authorizations, challenges, finalize and certificate download.
/// Every error the CA sends arrives as an <see cref="AcmeProblemException"/> carrying its words.
/// </summary>
public sealed class AcmeClient : IDisposable
{
    // Bounds what a CA (or something pretending to be one) can make us buffer: a chain is a few KB.
    private const int MaxResponseBytes = 1024 * 1024;
    private const int BadNonceRetries = 5;

    private readonly HttpClient _http;
    private readonly Uri _directoryUrl;
    private readonly AcmeJws _jws;
    private AcmeDirectory? _directory;
    private string? _nonce;

    public AcmeClient(HttpClient http, Uri directoryUrl, ECDsa accountKey, string? accountUrl)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _directoryUrl = directoryUrl;
        _jws = new AcmeJws(accountKey);
        AccountUrl = accountUrl;
    }

    /// <summary>The account's URL (the JWS `kid`), known after <see cref="CreateAccountAsync"/>.</summary>
    public string? AccountUrl { get; private set; }

    public AcmeJws Jws => _jws;

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is null)
        {
            using var response = await _http.GetAsync(_directoryUrl, cancellationToken);
            var node = TryParse(await ReadTextAsync(response, cancellationToken));
            if (!response.IsSuccessStatusCode)
            {
                throw new AcmeProblemException(AcmeProblem.Parse(node, (int)response.StatusCode));
            }
            _directory = AcmeDirectory.Parse(node ?? throw new AcmeException("the ACME directory is empty"));
        }
        return _directory;
    }

    /// <summary>Creates the account, or finds the existing one for this key (the CA answers 200 then); returns its URL.</summary>
    public async Task<string> CreateAccountAsync(IReadOnlyList<string> contactEmails, bool termsAgreed, CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken);
        var payload = new JsonObject
        {
            ["termsOfServiceAgreed"] = termsAgreed,
            ["contact"] = new JsonArray([.. contactEmails.Select(e => (JsonNode)("mailto:" + e))]),
        };
        var (response, _) = await PostAsync(directory.NewAccount, payload, useJwk: true, cancellationToken);
        using (response)
        {
            AccountUrl = response.Headers.Location?.ToString() ?? throw new AcmeException("the CA returned no account URL");
            return AccountUrl;
        }
    }

    public async Task<AcmeOrder> NewOrderAsync(IReadOnlyList<string> domains, CancellationToken cancellationToken)
    {
        var directory = await GetDirectoryAsync(cancellationToken);
        var payload = new JsonObject
        {
            ["identifiers"] = new JsonArray([.. domains.Select(d => (JsonNode)new JsonObject { ["type"] = "dns", ["value"] = d })]),
        };
        var (response, node) = await PostAsync(directory.NewOrder, payload, useJwk: false, cancellationToken);
        using (response)
        {
            var url = response.Headers.Location ?? throw new AcmeException("the CA returned no order URL");
            return AcmeOrder.Parse(url, node ?? throw new AcmeException("the CA returned an empty order"));
        }
    }

    public async Task<AcmeOrder> GetOrderAsync(Uri url, CancellationToken cancellationToken)
    {
        var (response, node) = await PostAsync(url, null, useJwk: false, cancellationToken);
        using (response)
        {
            return AcmeOrder.Parse(url, node ?? throw new AcmeException("the CA returned an empty order"));
        }
    }

    public async Task<AcmeAuthorization> GetAuthorizationAsync(Uri url, CancellationToken cancellationToken)
    {
        var (response, node) = await PostAsync(url, null, useJwk: false, cancellationToken);
        using (response)
        {
            return AcmeAuthorization.Parse(url, node ?? throw new AcmeException("the CA returned an empty authorization"));
        }
    }

    /// <summary>Tells the CA the challenge is ready to be validated (an empty JSON object, RFC 8555 §7.5.1).</summary>
    public async Task AnswerChallengeAsync(Uri url, CancellationToken cancellationToken)
    {
        var (response, _) = await PostAsync(url, new JsonObject(), useJwk: false, cancellationToken);
        response.Dispose();
    }

    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csrDer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var (response, node) = await PostAsync(order.Finalize, new JsonObject { ["csr"] = AcmeJws.Base64Url(csrDer) }, useJwk: false, cancellationToken);
        using (response)
        {
            return AcmeOrder.Parse(order.Url, node ?? throw new AcmeException("the CA returned an empty order"));
        }
    }

    /// <summary>The certificate and its chain as PEM (application/pem-certificate-chain), leaf first.</summary>
    public async Task<string> DownloadCertificateAsync(Uri url, CancellationToken cancellationToken)
    {
        var (response, _, text) = await PostRawAsync(url, null, useJwk: false, "application/pem-certificate-chain", cancellationToken);
        using (response)
        {
            return text;
        }
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> PostAsync(Uri url, JsonNode? payload, bool useJwk, CancellationToken cancellationToken)
    {
        var (response, body, _) = await PostRawAsync(url, payload, useJwk, "application/json", cancellationToken);
        return (response, body);
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body, string Text)> PostRawAsync(Uri url, JsonNode? payload, bool useJwk, string accept, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var nonce = await TakeNonceAsync(cancellationToken);
            var kid = useJwk ? null : AccountUrl ?? throw new InvalidOperationException("no ACME account yet");
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(_jws.Sign(url.ToString(), nonce, kid, payload?.DeepClone())),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
            request.Headers.Accept.ParseAdd(accept);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            KeepNonce(response);
            var text = await ReadTextAsync(response, cancellationToken);
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json" || !response.IsSuccessStatusCode;
            JsonNode? node = null;
            if (isProblem || response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                node = TryParse(text);
            }
            if (!isProblem)
            {
                return (response, node, text);
            }
            var problem = AcmeProblem.Parse(node, (int)response.StatusCode);
            response.Dispose();
            // RFC 8555 §6.5: a rejected nonce is retried with the one the error response carried.
            if (problem.Kind == "badNonce" && attempt < BadNonceRetries)
            {
                continue;
            }
            throw new AcmeProblemException(problem);
        }
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _nonce, null) is { } nonce)
        {
            return nonce;
        }
        var directory = await GetDirectoryAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { Length: > 0 } fresh
            ? fresh
            : throw new AcmeException($"the CA gave no nonce (HTTP {(int)response.StatusCode})");
    }

    private void KeepNonce(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Replay-Nonce", out var values) && values.FirstOrDefault() is { Length: > 0 } nonce)
        {
            _nonce = nonce;
        }
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new AcmeException($"the CA's response is larger than {MaxResponseBytes} bytes");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new AcmeException($"the CA's response is larger than {MaxResponseBytes} bytes");
            }
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>An HttpClient that trusts, in addition to the system roots, the CA certificates in <paramref name="trustedCaFile"/> (a private ACME server in tests).</summary>
    public static HttpClient CreateHttpClient(string? trustedCaFile)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
        if (!string.IsNullOrEmpty(trustedCaFile))
        {
            var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            roots.ImportFromPemFile(trustedCaFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None)
                {
                    return true;
                }
                if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }
                using var custom = new System.Security.Cryptography.X509Certificates.X509Chain();
                custom.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(roots);
                custom.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                using var presented = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                if (chain is not null)
                {
                    custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
                }
                return custom.Build(presented);
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }
}
