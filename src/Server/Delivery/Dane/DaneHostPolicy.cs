using System.Collections.Immutable;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>What the DNS says about DANE for one next-hop host.</summary>
public enum DaneState
{
    /// <summary>No validated TLSA records (unsigned zone, insecure answer, or none published): the route's TLS level applies.</summary>
    None,

    /// <summary>Validated TLSA records, at least one usable: TLS is mandatory and the peer must match one of them.</summary>
    Usable,

    /// <summary>Validated TLSA records, none usable (PKIX usages, unknown selector or type, bad digest length): mandatory unauthenticated TLS.</summary>
    Unusable,
}

/// <summary>The TLSA records that apply to one host, found by <see cref="DaneLookup"/>.</summary>
public sealed record DaneHostPolicy(DaneState State, string TlsaName, ImmutableArray<TlsaRecord> Records)
{
    public static DaneHostPolicy None { get; } = new(DaneState.None, "", []);

    /// <summary>The name the delivery and TLS logs give the policy.</summary>
    public string Name => State switch
    {
        DaneState.Usable => "dane",
        DaneState.Unusable => "dane (no usable TLSA: encrypt)",
        _ => "",
    };

    /// <summary>
    /// RFC 7672 §3.1.3: PKIX-TA(0) and PKIX-EE(1) are not used for SMTP; RFC 6698 §2.1: selectors 0/1, matching
    /// types 0/1/2; a digest of the wrong length is malformed. Such records are "unusable" (RFC 7671 §4).
    /// </summary>
    public static bool IsUsable(TlsaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Usage is 2 or 3 && record.Selector is 0 or 1 && record.MatchingType switch
        {
            0 => record.Data.Length > 0,
            1 => record.Data.Length == 32,
            2 => record.Data.Length == 64,
            _ => false,
        };
    }
}

/// <summary>
/// The RFC 7672 §2.2 look-ups: TLSA for <c>_port._tcp.host</c> only when the MX answer (or, for a smarthost,
/// nothing before it) and the host's address answers were DNSSEC-validated. A TLSA look-up that fails
/// (SERVFAIL: bogus signatures, unreachable servers) makes the host unusable for this attempt: delivering
/// without DANE there would let an attacker who breaks DNS downgrade the connection (§2.2.2).
/// </summary>
public static class DaneLookup
{
    public static async Task<(DaneHostPolicy Policy, string? Failure)> FindAsync(
        IDnsResolver dns, string host, int port, bool chainSecure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        if (!chainSecure)
        {
            return (DaneHostPolicy.None, null);
        }
        var name = $"_{port}._tcp.{host}";
        DnsAnswer answer;
        try
        {
            answer = await dns.QueryAsync(name, DnsRecordType.Tlsa, cancellationToken);
        }
        catch (DnsException ex)
        {
            return (DaneHostPolicy.None, $"451 4.7.5 TLSA lookup of {name} failed (DNSSEC bogus or no answer): {ex.Message}");
        }
        var records = answer.Records.OfType<TlsaRecord>().ToImmutableArray();
        // An insecure TLSA answer (e.g. from an unsigned child zone) proves nothing: as if none were published.
        if (!answer.Authenticated || records.IsEmpty)
        {
            return (DaneHostPolicy.None, null);
        }
        var usable = records.Where(DaneHostPolicy.IsUsable).ToImmutableArray();
        return usable.IsEmpty
            ? (new DaneHostPolicy(DaneState.Unusable, name, records), null)
            : (new DaneHostPolicy(DaneState.Usable, name, usable), null);
    }
}
