using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net;
using MailHost.Shared.Entities;

namespace MailHost.Shared.Snapshot;

/// <summary>
/// Every setting the engine reads, immutable, swapped atomically on change. Sessions take it at
/// accept for connection facts (banner, EHLO, TLS) and again at MAIL FROM for transaction facts
/// (relay, limits, local domains), so a change never breaks an open session.
/// </summary>
public sealed record MailHostSnapshot(
    long Revision,
    ServerSpec Server,
    ImmutableArray<ListenerSpec> Listeners,
    FrozenDictionary<int, TlsPolicySpec> TlsPolicies,
    ImmutableArray<CertificateSpec> Certificates,
    ImmutableArray<IpRangeSpec> IpRanges,
    ImmutableArray<RelayRuleSpec> RelayRules,
    FrozenSet<string> LocalDomains,
    FrozenDictionary<string, AccountSpec> Accounts,
    FrozenDictionary<string, ImmutableArray<string>> Aliases,
    ImmutableArray<DkimKeySpec> DkimKeys)
{
    /// <summary>The range that governs an address: smallest containing range, then highest priority; null if none.</summary>
    public IpRangeSpec? MatchRange(IPAddress address, DateTime nowUtc)
    {
        IpRangeSpec? best = null;
        foreach (var range in IpRanges)
        {
            if (range.ExpiresUtc is { } expires && expires <= nowUtc || !range.Range.Contains(address))
            {
                continue;
            }
            if (best is null || range.Range.Size < best.Range.Size || range.Range.Size == best.Range.Size && range.Priority > best.Priority)
            {
                best = range;
            }
        }
        return best;
    }

    /// <summary>Our published MTA-STS policies by policy host (mta-sts.&lt;domain&gt;); only domains with a mode set.</summary>
    public FrozenDictionary<string, PublishedMtaStsPolicy> MtaStsPolicies { get; init; } = FrozenDictionary<string, PublishedMtaStsPolicy>.Empty;

    public bool IsLocalDomain(string domain) => LocalDomains.Contains(domain.TrimEnd('.').ToLowerInvariant());

    public static MailHostSnapshot Empty { get; } = new(
        0,
        new ServerSpec("localhost", "MailHost ESMTP", 10_000_000, 100, false, false, [TimeSpan.FromMinutes(5)], TimeSpan.FromDays(5), 20, 10, 50, 5, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)),
        [],
        FrozenDictionary<int, TlsPolicySpec>.Empty,
        [],
        [],
        [],
        FrozenSet<string>.Empty,
        FrozenDictionary<string, AccountSpec>.Empty,
        FrozenDictionary<string, ImmutableArray<string>>.Empty,
        []);
}
