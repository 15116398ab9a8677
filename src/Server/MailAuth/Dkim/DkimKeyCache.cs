using System.Collections.Concurrent;
using MailHost.Server.Dns;

namespace MailHost.Server.MailAuth.Dkim;

public enum DkimKeyStatus
{
    Found,
    NotFound,
    TempError,
}

/// <summary>What a key look-up gave: the record text (Found), or why there is none.</summary>
public sealed record DkimKeyLookup(DkimKeyStatus Status, string? RecordText, string Detail);

/// <summary>
/// DKIM key records by selector and domain, fetched through <see cref="IDnsResolver"/> and kept for
/// their TTL (at most an hour; absent keys for 5 minutes; DNS errors not at all), so a burst of
/// mail from one signer costs one look-up. Bounded: when full it starts again empty.
/// </summary>
public sealed class DkimKeyCache(IDnsResolver dns, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);
    private static readonly TimeSpan NegativeTtl = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (DkimKeyLookup Lookup, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);

    public static string RecordName(string domain, string selector) => $"{selector}._domainkey.{domain}".ToLowerInvariant();

    public async Task<DkimKeyLookup> GetAsync(string domain, string selector, CancellationToken cancellationToken)
    {
        var name = RecordName(domain, selector);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(name, out var cached) && cached.Expires > now)
        {
            return cached.Lookup;
        }
        DnsAnswer answer;
        try
        {
            answer = await dns.QueryAsync(name, DnsRecordType.Txt, cancellationToken);
        }
        catch (DnsException ex)
        {
            return new DkimKeyLookup(DkimKeyStatus.TempError, null, $"DNS error for {name}: {ex.Message}");
        }
        // RFC 6376 §3.6.2.2: the strings of one TXT record are joined; the first well-formed key record is used.
        var txt = answer.Records.OfType<TxtRecord>().ToList();
        var record = txt.FirstOrDefault(r => DkimKeyRecord.Parse(r.Text) is not null);
        var lookup = record is not null
            ? new DkimKeyLookup(DkimKeyStatus.Found, record.Text, name)
            : new DkimKeyLookup(DkimKeyStatus.NotFound, null, txt.Count > 0 ? $"{name} has no valid DKIM key record" : $"{name}: no key record");
        var ttl = record is null ? NegativeTtl : TimeSpan.FromSeconds(Math.Min(record.Ttl, MaxTtl.TotalSeconds));
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[name] = (lookup, now + ttl);
        return lookup;
    }
}
