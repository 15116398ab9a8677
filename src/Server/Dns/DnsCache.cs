using System.Collections.Concurrent;

namespace MailHost.Server.Dns;

/// <summary>Answers kept for their TTL (the smallest in the answer); negative answers for a short fixed time (RFC 2308 §5).</summary>
public sealed class DnsCache(TimeProvider time)
{
    private static readonly TimeSpan NegativeTtl = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(6);
    private const int MaxEntries = 20_000;
    private readonly ConcurrentDictionary<(string, DnsRecordType), (DnsAnswer Answer, DateTimeOffset Expires)> _entries = new();

    public bool TryGet(string name, DnsRecordType type, out DnsAnswer answer)
    {
        if (_entries.TryGetValue((name, type), out var e) && e.Expires > time.GetUtcNow())
        {
            answer = e.Answer;
            return true;
        }
        answer = null!;
        return false;
    }

    public void Put(string name, DnsRecordType type, DnsAnswer answer)
    {
        var ttl = answer.Records.IsEmpty ? NegativeTtl : TimeSpan.FromSeconds(answer.Records.Min(r => r.Ttl));
        if (ttl <= TimeSpan.Zero || answer.ResponseCode is not (DnsResponseCode.NoError or DnsResponseCode.NameError))
        {
            return;
        }
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }
        _entries[(name, type)] = (answer, time.GetUtcNow() + (ttl > MaxTtl ? MaxTtl : ttl));
    }
}
