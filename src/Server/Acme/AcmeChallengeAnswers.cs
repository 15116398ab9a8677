using System.Collections.Concurrent;
using System.Net.Security;

namespace MailHost.Server.Acme;

/// <summary>
/// The answers the responders give while an order is being validated: http-01 key authorizations by
/// token, tls-alpn-01 certificates by domain. Added just before a challenge is answered, removed after.
/// </summary>
public class AcmeChallengeAnswers
{
    private readonly ConcurrentDictionary<string, string> _http = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _tlsAlpn = new(StringComparer.OrdinalIgnoreCase);

    public virtual void AddHttp(string token, string keyAuthorization) => _http[token] = keyAuthorization;

    public virtual void RemoveHttp(string token) => _http.TryRemove(token, out _);

    public string? Http(string token) => _http.TryGetValue(token, out var value) ? value : null;

    public void AddTlsAlpn(string domain, SslStreamCertificateContext certificate) => _tlsAlpn[domain.TrimEnd('.')] = certificate;

    public void RemoveTlsAlpn(string domain) => _tlsAlpn.TryRemove(domain.TrimEnd('.'), out _);

    public SslStreamCertificateContext? TlsAlpn(string? domain) =>
        domain is not null && _tlsAlpn.TryGetValue(domain.TrimEnd('.'), out var value) ? value : null;
}
