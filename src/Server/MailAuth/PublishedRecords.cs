using MailHost.Server.Dkim;
using MailHost.Server.Dns;
using MailHost.Server.MailAuth.Dmarc;
using MailHost.Server.MailAuth.Spf;
using MailHost.Server.Tls;

namespace MailHost.Server.MailAuth;

/// <summary>One record an admin must publish, and what the live DNS says about it.</summary>
public sealed record PublishedRecord(string Kind, string Name, string Type, string Value, bool Ok, string Check);

/// <summary>
/// The DNS records a domain hosted here needs (MX, SPF, DKIM for every active selector, DMARC, MTA-STS,
/// TLS-RPT, the TLSA record of our certificate), each checked against the live record through <see cref="IDnsResolver"/>.
/// </summary>
public static class PublishedRecords
{
    /// <param name="mtaSts">Our policy for the domain; null when its MTA-STS mode is none.</param>
    /// <param name="hostCertificate">The certificate served for the host name, for its TLSA record; null when there is none.</param>
    public static async Task<IReadOnlyList<PublishedRecord>> CheckAsync(IDnsResolver dns, string domain, string hostname, IEnumerable<DkimKey> activeKeys,
        PublishedMtaStsPolicy? mtaSts, System.Security.Cryptography.X509Certificates.X509Certificate2? hostCertificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(activeKeys);
        domain = domain.TrimEnd('.').ToLowerInvariant();
        var list = new List<PublishedRecord>
        {
            await MxAsync(dns, domain, hostname, cancellationToken),
            await TxtAsync(dns, "SPF", domain, "v=spf1 mx -all", SpfRecord.IsSpfRecord, SpfCheck, cancellationToken),
        };
        foreach (var key in activeKeys)
        {
            var value = DkimKeyMaterial.TxtRecord(key.Algorithm, key.PrivateKeyPem);
            var result = await DkimRecordCheck.CheckAsync(dns, key, cancellationToken);
            list.Add(new PublishedRecord("DKIM", DkimKeyRing.RecordName(key.Domain, key.Selector), "TXT", value, result.Status == DkimRecordStatus.Match, result.Detail));
        }
        list.Add(await TxtAsync(dns, "DMARC", "_dmarc." + domain, $"v=DMARC1; p=quarantine; adkim=r; aspf=r",
            t => t.StartsWith("v=DMARC1", StringComparison.Ordinal), DmarcCheck, cancellationToken));
        list.AddRange(await MtaStsRecords.CheckAsync(dns, domain, hostname, mtaSts, cancellationToken));
        list.Add(await TxtAsync(dns, "TLS-RPT", "_smtp._tls." + domain, $"v=TLSRPTv1; rua=mailto:tlsrpt@{domain}",
            t => t.StartsWith("v=TLSRPTv1", StringComparison.Ordinal), t => t.Contains("rua=", StringComparison.Ordinal) ? (true, "published") : (false, "no rua= destination"), cancellationToken));
        if (hostCertificate is not null)
        {
            var tlsa = await PublishedTlsa.CheckAsync(dns, hostname, hostCertificate, cancellationToken);
            list.Add(new PublishedRecord("TLSA", tlsa.Name, "TLSA", tlsa.Expected, tlsa.Matches, PublishedTlsa.Describe(tlsa)));
        }
        return list;
    }

    private static async Task<PublishedRecord> MxAsync(IDnsResolver dns, string domain, string hostname, CancellationToken cancellationToken)
    {
        var value = $"10 {hostname}.";
        try
        {
            var mx = await dns.ResolveMxAsync(domain, cancellationToken);
            var ours = mx.Hosts.Any(h => h.Name.Equals(hostname.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));
            return new PublishedRecord("MX", domain, "MX", value, ours, mx.Outcome switch
            {
                MxOutcome.NullMx => "null MX published: the domain says it takes no mail",
                MxOutcome.NoSuchDomain => "no MX and no address",
                _ when ours => "points here",
                _ => "points elsewhere: " + string.Join(", ", mx.Hosts.Select(h => h.Name)),
            });
        }
        catch (DnsException ex)
        {
            return new PublishedRecord("MX", domain, "MX", value, false, "DNS error: " + ex.Message);
        }
    }

    internal static async Task<PublishedRecord> TxtAsync(IDnsResolver dns, string kind, string name, string suggested, Func<string, bool> isKind, Func<string, (bool Ok, string Detail)> check, CancellationToken cancellationToken)
    {
        try
        {
            var found = (await dns.ResolveTxtAsync(name, cancellationToken)).Where(isKind).ToList();
            if (found.Count == 0)
            {
                return new PublishedRecord(kind, name, "TXT", suggested, false, "missing");
            }
            if (found.Count > 1)
            {
                return new PublishedRecord(kind, name, "TXT", suggested, false, $"{found.Count} records: there must be exactly one");
            }
            var (ok, detail) = check(found[0]);
            return new PublishedRecord(kind, name, "TXT", ok ? found[0] : suggested, ok, detail + $" (live: {found[0]})");
        }
        catch (DnsException ex)
        {
            return new PublishedRecord(kind, name, "TXT", suggested, false, "DNS error: " + ex.Message);
        }
    }

    private static (bool, string) SpfCheck(string text)
    {
        try
        {
            var record = SpfRecord.Parse(text);
            var all = record.Directives.LastOrDefault(d => d.Kind == SpfMechanismKind.All);
            return all?.Qualifier switch
            {
                SpfResult.Fail => (true, "valid, ends in -all"),
                SpfResult.SoftFail => (true, "valid, ends in ~all (-all is stricter)"),
                null when record.Redirect is not null => (true, "valid, redirect=" + record.Redirect),
                _ => (false, "valid but does not end in -all or ~all: anyone may send as this domain"),
            };
        }
        catch (SpfAbortException ex)
        {
            return (false, "invalid: " + ex.Message);
        }
    }

    private static (bool, string) DmarcCheck(string text) => DmarcRecord.Parse(text) switch
    {
        null => (false, "not a valid DMARC record"),
        { Policy: DmarcPolicy.None } => (true, "valid, p=none (monitoring only)"),
        var r => (true, $"valid, p={r.Policy.ToString().ToLowerInvariant()}"),
    };
}
