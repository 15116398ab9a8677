using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Dns;

namespace MailHost.Server.Tls;

/// <summary>What the live DNS holds for `_25._tcp.&lt;host&gt;` against one certificate's key.</summary>
/// <param name="Live">Every live TLSA record, as "usage selector matching data".</param>
/// <param name="Matches">A live DANE-EE SPKI SHA-256 (3 1 1) record matches the certificate's key.</param>
/// <param name="HasSpkiRecords">At least one live 3 1 1 record exists (matching or not).</param>
/// <param name="Authenticated">The TLSA answer was DNSSEC-validated; senders ignore TLSA records without it (RFC 7672 §2.2).</param>
/// <param name="Error">The DNS gave no answer; nothing is known.</param>
public sealed record TlsaState(string Name, string Expected, IReadOnlyList<string> Live, bool Matches, bool HasSpkiRecords, bool Authenticated, string? Error)
{
    /// <summary>Live 3 1 1 records exist and none matches: DANE senders would defer all our mail (RFC 7672 §2.2).</summary>
    public bool WouldBreak => Error is null && HasSpkiRecords && !Matches;

    public string BrokenRecords => string.Join("; ", Live.Where(l => l.StartsWith("3 1 1 ", StringComparison.Ordinal)).Select(l => $"{Name}. TLSA {l}"));
}

/// <summary>
/// The DANE-EE record of our own certificate, `_25._tcp.&lt;host&gt; TLSA 3 1 1 &lt;SHA-256 of the SubjectPublicKeyInfo&gt;`
/// (RFC 7671 §5.1, RFC 7672 §3.1.1), and the check against the live DNS. 3 1 1 pins the key, not the certificate,
/// so a renewal that keeps the key (ACME here does by default) keeps the record valid.
/// </summary>
public static class PublishedTlsa
{
    public const int SmtpPort = 25;

    public static string RecordName(string hostname) => $"_{SmtpPort}._tcp.{hostname.TrimEnd('.').ToLowerInvariant()}";

    public static string SpkiSha256Hex(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    public static string RecordValue(X509Certificate2 certificate) => "3 1 1 " + SpkiSha256Hex(certificate);

    public static async Task<TlsaState> CheckAsync(IDnsResolver dns, string hostname, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        var name = RecordName(hostname);
        var hash = SpkiSha256Hex(certificate);
        var expected = "3 1 1 " + hash;
        DnsAnswer answer;
        try
        {
            answer = await dns.QueryAsync(name, DnsRecordType.Tlsa, cancellationToken);
        }
        catch (DnsException ex)
        {
            return new TlsaState(name, expected, [], false, false, false, ex.Message);
        }
        var records = answer.Records.OfType<TlsaRecord>().ToList();
        var spki = records.Where(r => r is { Usage: 3, Selector: 1, MatchingType: 1 }).ToList();
        var matches = spki.Any(r => Convert.ToHexStringLower(r.Data.AsSpan()) == hash);
        var live = records.Select(r => $"{r.Usage} {r.Selector} {r.MatchingType} {Convert.ToHexStringLower(r.Data.AsSpan())}").ToList();
        return new TlsaState(name, expected, live, matches, spki.Count > 0, answer.Authenticated, null);
    }

    /// <summary>The row for `mailhost dns show` and the console's DNS records page.</summary>
    public static string Describe(TlsaState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Error is not null)
        {
            return "DNS error: " + state.Error;
        }
        if (state.Live.Count == 0)
        {
            return "missing (optional: DANE also needs the zone signed with DNSSEC)";
        }
        var live = " (live: " + string.Join("; ", state.Live) + ")";
        if (state.Matches)
        {
            return (state.Authenticated ? "matches the current certificate's key, DNSSEC-validated" : "matches the current certificate's key, but the answer is not DNSSEC-validated: senders ignore it") + live;
        }
        return state.HasSpkiRecords
            ? "no live 3 1 1 record matches the current certificate's key: DANE senders defer mail to us" + live
            : "no 3 1 1 record for the current key" + live;
    }
}
