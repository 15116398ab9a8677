using System.Collections.Concurrent;
using System.Net.Security;
using MailHost.Server.Hosting;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Tls;

/// <summary>
/// Server certificates by SNI name, loaded from the data folder and cached by file and thumbprint.
/// Read per handshake, so a rotated certificate is used by the next handshake and no listener rebinds.
/// </summary>
public sealed class CertificateStore(IOptions<MailHostOptions> options, ILogger<CertificateStore> logger)
{
    private readonly ConcurrentDictionary<(string Path, string Thumbprint), SslStreamCertificateContext?> _contexts = new();

    public SslStreamCertificateContext? Select(MailHostSnapshot snapshot, string? serverName, bool acceptsEcdsa = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var spec = Choose(snapshot.Certificates, serverName, acceptsEcdsa);
        return spec is null ? null : _contexts.GetOrAdd((spec.FilePath, spec.Thumbprint), _ => Load(spec));
    }

    /// <summary>
    /// Exact name, then wildcard, then the default certificate, then any; then, for a client that
    /// cannot verify ECDSA, the RSA twin of an ECDSA choice (a certificate for the same names, as
    /// `--key both` makes), so the default and the SNI names of a pair are those of its ECDSA half.
    /// </summary>
    public static CertificateSpec? Choose(IReadOnlyList<CertificateSpec> certificates, string? serverName, bool acceptsEcdsa = true)
    {
        var chosen = ChooseByName(certificates, serverName);
        if (chosen is null || acceptsEcdsa || !chosen.IsEcdsa)
        {
            return chosen;
        }
        return certificates.FirstOrDefault(c => !c.IsEcdsa && c.KeyAlgorithm.Length > 0 && c.HostNames.ToHashSet().SetEquals(chosen.HostNames)) ?? chosen;
    }

    private static CertificateSpec? ChooseByName(IReadOnlyList<CertificateSpec> certificates, string? serverName)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        if (!string.IsNullOrEmpty(serverName))
        {
            var name = serverName.TrimEnd('.').ToLowerInvariant();
            var exact = certificates.Where(c => c.HostNames.Contains(name)).OrderByDescending(c => c.IsDefault).FirstOrDefault();
            if (exact is not null)
            {
                return exact;
            }
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0)
            {
                var wildcard = "*" + name[dot..];
                var match = certificates.FirstOrDefault(c => c.HostNames.Contains(wildcard));
                if (match is not null)
                {
                    return match;
                }
            }
        }
        return certificates.FirstOrDefault(c => c.IsDefault) ?? (certificates.Count > 0 ? certificates[0] : null);
    }

    private SslStreamCertificateContext? Load(CertificateSpec spec)
    {
        try
        {
            // The intermediates saved with the certificate (ACME, imports) are sent in the handshake.
            var (certificate, chain) = CertificateFiles.LoadWithChain(options.Value.FullDataDir, spec.FilePath);
            return SslStreamCertificateContext.Create(certificate, chain.Count == 0 ? null : chain, offline: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            Logging.TlsLog.CertificateLoadFailed(logger, spec.Name, spec.FilePath, ex);
            return null;
        }
    }
}
