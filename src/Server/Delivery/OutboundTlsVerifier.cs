using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Delivery;

/// <summary>
/// Decides whether a peer certificate is verified: it chains to a system CA (or a configured extra CA)
/// and matches the host name we connected to (RFC 6125 via SslStream's TargetHost check).
/// </summary>
public sealed class OutboundTlsVerifier
{
    private readonly X509Certificate2Collection _extraRoots = [];

    public OutboundTlsVerifier(IOptions<DeliveryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Value.OutboundTrustedCaFile is { Length: > 0 } file && File.Exists(file))
        {
            _extraRoots.ImportFromPemFile(file);
        }
    }

    public (bool Verified, string Description) Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return (false, "no certificate");
        }
        if (errors == SslPolicyErrors.None)
        {
            return (true, "verified");
        }
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return (false, "not verified: name mismatch");
        }
        if (_extraRoots.Count > 0 && errors == SslPolicyErrors.RemoteCertificateChainErrors)
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements.Skip(1))
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            using var leaf = new X509Certificate2(certificate);
            if (custom.Build(leaf))
            {
                return (true, "verified (configured CA)");
            }
        }
        var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? [];
        return (false, $"not verified: {string.Join(", ", status.DefaultIfEmpty(errors.ToString()))}");
    }
}
