using System.Collections.Concurrent;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>
/// The MTA-STS policy in force for a recipient domain (RFC 8461 §3-5): the `_mta-sts` TXT record gives the
/// policy id; a cached policy is used until its max_age passes, and fetched again when the id changes. A failed
/// fetch keeps a still-valid cached policy (§5.1: so an attacker who blocks HTTPS cannot remove it), else the
/// domain counts as having none (and the failure is reported).
/// </summary>
public sealed class MtaStsResolver(IDnsResolver dns, MtaStsFetcher fetcher, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (MtaStsPolicy Policy, DateTimeOffset Expires)> _cache = new(StringComparer.OrdinalIgnoreCase);

    public async Task<(MtaStsPolicy? Policy, string? Failure)> GetAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        domain = domain.TrimEnd('.').ToLowerInvariant();
        var now = time.GetUtcNow();
        var cached = _cache.TryGetValue(domain, out var c) && c.Expires > now ? c.Policy : null;
        string? id;
        try
        {
            // RFC 8461 §3.1: exactly one record starting with "v=STSv1"; several or none: no (new) policy announced.
            var records = (await dns.ResolveTxtAsync($"_mta-sts.{domain}", cancellationToken)).Where(t => t.StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
            id = records.Count == 1 ? Field(records[0], "id") : null;
        }
        catch (DnsException)
        {
            id = null;
        }
        if (id is null || cached is not null && cached.Id == id)
        {
            return (cached, null);
        }
        var (text, error) = await fetcher.FetchAsync(domain, cancellationToken);
        var policy = text is null ? null : MtaStsPolicy.Parse(text, id);
        if (policy is null)
        {
            return (cached, error ?? "policy does not parse (RFC 8461 §3.2)");
        }
        if (_cache.Count >= MaxEntries)
        {
            _cache.Clear();
        }
        _cache[domain] = (policy, now + policy.MaxAge);
        return (policy, null);
    }

    private static string? Field(string record, string name) =>
        record.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0].Trim() == name)
            .Select(kv => kv[1].Trim())
            .FirstOrDefault(v => v.Length is > 0 and <= 32 && v.All(char.IsAsciiLetterOrDigit));
}
