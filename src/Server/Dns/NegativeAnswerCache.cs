using System.Collections.Concurrent;

namespace MailHost.Server.Dns;

/// <summary>
/// NXDOMAIN and NODATA answers kept as RFC 2308 §5 says: for the smaller of the SOA record's TTL and its
/// MINIMUM field, and not at all when the answer carries no SOA. DnsClient's own cache stores negative
/// answers only for one fixed duration (<c>FailedResultsCacheDuration</c>), so MailHost keeps this piece.
/// Positive answers live in DnsClient's cache (TTL-based).
/// </summary>
public sealed class NegativeAnswerCache(TimeProvider time)
{
    // RFC 2308 §5: negative answers SHOULD NOT be cached beyond a few hours; three hours like BIND's max-ncache-ttl.
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(3);
    private const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<(string, DnsRecordType), (DnsAnswer Answer, DateTimeOffset Expires)> _entries = new();

    public bool TryGet(string name, DnsRecordType type, out DnsAnswer answer)
    {
        if (_entries.TryGetValue((name, type), out var e))
        {
            if (e.Expires > time.GetUtcNow())
            {
                answer = e.Answer;
                return true;
            }
            _entries.TryRemove((name, type), out _);
        }
        answer = null!;
        return false;
    }

    /// <summary>Stores <paramref name="answer"/> (which has no records) for <paramref name="negativeTtl"/>, the SOA-derived TTL; null: not cacheable.</summary>
    public void Put(string name, DnsRecordType type, DnsAnswer answer, TimeSpan? negativeTtl)
    {
        if (negativeTtl is not { } ttl || ttl <= TimeSpan.Zero)
        {
            return;
        }
        if (_entries.Count >= MaxEntries)
        {
            // A bound, not an LRU: a flood of distinct names only costs re-asking.
            _entries.Clear();
        }
        _entries[(name, type)] = (answer, time.GetUtcNow() + (ttl > MaxTtl ? MaxTtl : ttl));
    }
}
