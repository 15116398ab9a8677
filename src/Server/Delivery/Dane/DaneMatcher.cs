using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>
/// Checks a peer's certificate chain against usable TLSA records (RFC 7671, RFC 7672 §3.1).
/// DANE-EE(3): the leaf's certificate or public key matches; no name, expiry or chain checks (RFC 7672 §3.1.1).
/// DANE-TA(2): a certificate the peer sent matches and is the trust anchor of a valid chain to the leaf,
/// whose names must include the MX host (RFC 7672 §3.2.3; wildcards as in RFC 6125).
/// </summary>
public static class DaneMatcher
{
    public static (bool Matched, string Description) Check(IReadOnlyList<TlsaRecord> records, X509Certificate? peer, X509Chain? chain, string host)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (peer is null)
        {
            return (false, "DANE: no certificate");
        }
        using var leaf = X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        foreach (var r in records.Where(r => r.Usage == 3))
        {
            if (Matches(r, leaf))
            {
                return (true, $"DANE-EE {r.Usage} {r.Selector} {r.MatchingType} matched");
            }
        }
        // The certificates the peer sent: .NET puts them into the chain's extra store; the built elements too.
        var sent = new List<X509Certificate2>();
        if (chain is not null)
        {
            sent.AddRange(chain.ChainPolicy.ExtraStore);
            sent.AddRange(chain.ChainElements.Select(e => e.Certificate));
        }
        var candidates = sent.Where(c => !c.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)).DistinctBy(c => c.Thumbprint).ToList();
        var nameMismatch = false;
        foreach (var r in records.Where(r => r.Usage == 2))
        {
            foreach (var anchor in candidates.Where(c => Matches(r, c)))
            {
                if (!ChainsTo(leaf, anchor, candidates))
                {
                    continue;
                }
                if (!leaf.MatchesHostname(host, allowWildcards: true, allowCommonName: false))
                {
                    nameMismatch = true;
                    continue;
                }
                return (true, $"DANE-TA {r.Usage} {r.Selector} {r.MatchingType} matched ({anchor.Subject})");
            }
        }
        return nameMismatch
            ? (false, $"DANE-TA: trust anchor matched but the certificate is not for {host}")
            : (false, $"DANE: no TLSA record matched the certificate ({records.Count} usable)");
    }

    /// <summary>RFC 6698 §2.1.2-3: the selected data (full certificate DER or SubjectPublicKeyInfo DER), exact or digested.</summary>
    public static bool Matches(TlsaRecord record, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] selected = record.Selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        byte[] value = record.MatchingType switch
        {
            0 => selected,
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => [],
        };
        return value.Length > 0 && CryptographicOperations.FixedTimeEquals(value, record.Data.AsSpan());
    }

    /// <summary>The TLSA value for a certificate, as published: "usage selector type hex".</summary>
    public static string Record(X509Certificate2 certificate, byte usage = 3, byte selector = 1, byte matchingType = 1)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] selected = selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var data = matchingType switch
        {
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => selected,
        };
        return $"{usage} {selector} {matchingType} {Convert.ToHexStringLower(data)}";
    }

    /// <summary>A chain from the leaf to the matched anchor, with the anchor as the only trusted root (validity dates checked, no revocation).</summary>
    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 anchor, IEnumerable<X509Certificate2> intermediates)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        return chain.Build(leaf);
    }
}
