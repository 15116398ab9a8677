using System.Collections.Concurrent;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>
/// The MTA-STS policy in force for a recipient domain (RFC 8461 §3-5): the `_mta-sts` TXT record gives the
/// policy id; a cached policy is used until its max_age passes, and fetched again when the id changes. A failed
/// fetch keeps a still-valid cached policy (§5.1: so an attacker who blocks HTTPS cannot remove it), else the
/// domain counts as having none (and the failure is reported). The cache is in memory in front of
/// <see cref="MtaStsPolicyStore"/> (the database), so it survives a restart.
/// </summary>
public sealed class MtaStsResolver(IDnsResolver dns, MtaStsFetcher fetcher, TimeProvider time, MtaStsPolicyStore? store = null, ILogger<MtaStsResolver>? logger = null)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (MtaStsPolicy Policy, DateTimeOffset Fetched, DateTimeOffset Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public async Task<(MtaStsPolicy? Policy, MtaStsFailure? Failure)> GetAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        domain = domain.TrimEnd('.').ToLowerInvariant();
        var cached = await CachedAsync(domain, cancellationToken);
        var id = await PolicyIdAsync(domain, cancellationToken);
        if (id is null || cached is not null && cached.Value.Policy.Id == id)
        {
            return (cached?.Policy, null);
        }
        var (policy, failure) = await FetchAndStoreAsync(domain, id, cancellationToken);
        return policy is null ? (cached?.Policy, failure) : (policy, null);
    }

    /// <summary>
    /// The background refresh of one cached domain (RFC 8461 §5.1): fetched again when the TXT id changed or more than
    /// half of max_age has passed; a failed fetch leaves the cached policy in force until it expires.
    /// </summary>
    public async Task<(bool Fetched, MtaStsFailure? Failure)> RefreshAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (await CachedAsync(domain, cancellationToken) is not { } cached)
        {
            return (false, null);
        }
        var id = await PolicyIdAsync(domain, cancellationToken);
        var halfLife = cached.Fetched + (cached.Expires - cached.Fetched) / 2;
        if (id is null || id == cached.Policy.Id && time.GetUtcNow() < halfLife)
        {
            return (false, null);
        }
        var (policy, failure) = await FetchAndStoreAsync(domain, id, cancellationToken);
        if (policy is not null && logger is not null)
        {
            MtaStsLog.Refreshed(logger, domain, policy.Id, policy.ModeName);
        }
        return (policy is not null, failure);
    }

    private async Task<(MtaStsPolicy Policy, DateTimeOffset Fetched, DateTimeOffset Expires)?> CachedAsync(string domain, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(domain, out var c) && c.Expires > now)
        {
            return c;
        }
        if (store is not null && await store.FindAsync(domain, now.UtcDateTime, cancellationToken) is { } stored)
        {
            var entry = (stored.Policy, new DateTimeOffset(stored.FetchedUtc, TimeSpan.Zero), new DateTimeOffset(stored.ExpiresUtc, TimeSpan.Zero));
            Remember(domain, entry);
            return entry;
        }
        return null;
    }

    private async Task<string?> PolicyIdAsync(string domain, CancellationToken cancellationToken)
    {
        try
        {
            // RFC 8461 §3.1: exactly one record starting with "v=STSv1"; several or none: no (new) policy announced.
            var records = (await dns.ResolveTxtAsync($"_mta-sts.{domain}", cancellationToken)).Where(t => t.StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
            return records.Count == 1 ? Field(records[0], "id") : null;
        }
        catch (DnsException)
        {
            return null;
        }
    }

    private async Task<(MtaStsPolicy? Policy, MtaStsFailure? Failure)> FetchAndStoreAsync(string domain, string id, CancellationToken cancellationToken)
    {
        var (text, error) = await fetcher.FetchAsync(domain, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }
        if (MtaStsPolicy.Parse(text!, id) is not { } policy)
        {
            return (null, new MtaStsFailure(MtaStsFailureKind.Invalid, "policy does not parse (RFC 8461 §3.2)"));
        }
        var now = time.GetUtcNow();
        Remember(domain, (policy, now, now + policy.MaxAge));
        if (store is not null)
        {
            await store.SaveAsync(domain, policy, now.UtcDateTime, cancellationToken);
        }
        return (policy, null);
    }

    private void Remember(string domain, (MtaStsPolicy, DateTimeOffset, DateTimeOffset) entry)
    {
        if (_cache.Count >= MaxEntries)
        {
            // The database keeps every policy: the memory side is only a bounded front.
            _cache.Clear();
        }
        _cache[domain] = entry;
    }

    private static string? Field(string record, string name) =>
        record.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0].Trim() == name)
            .Select(kv => kv[1].Trim())
            .FirstOrDefault(v => v.Length is > 0 and <= 32 && v.All(char.IsAsciiLetterOrDigit));
}
