using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Logging;

/// <summary>
/// Adds a batch's records to the per-hour buckets in the same transaction as the rows, so the
/// dashboard and the TLS impact check read ≤ 24 bucket rows per key instead of a day of log rows.
/// </summary>
public static class LogHourCounters
{
    public const string Delivery = "delivery";
    public const string Tls = "tls";
    public const string Cipher = "cipher";

    /// <summary>Sender authentication per message: Key = "spf:pass", "dkim:fail", "dmarc:none" … (the dashboard's pass/fail per day).</summary>
    public const string MailAuth = "mailauth";

    /// <summary>The bucket key of a connection's TLS version ("none" for plaintext, "failed"/"starttls failed" for failed handshakes).</summary>
    public static string TlsKey(TlsLogEntry e) =>
        e.TlsVersion.Length > 0 ? e.TlsVersion : e.Handshake is TlsHandshakeStates.Failed or TlsHandshakeStates.StartTlsFailed ? e.Handshake : "none";

    /// <summary>A message counts as DKIM pass when any signature passed, fail when one failed and none passed, none without signatures.</summary>
    public static string DkimKey(string dkim)
    {
        var results = MailAuthDkimEntries.Parse(dkim).Select(e => e.Result).ToList();
        return results.Count == 0 ? "none" : results.Contains("pass") ? "pass" : results.Contains("fail") ? "fail" : results[0];
    }

    public static async Task AddAsync(LogsDbContext db, IEnumerable<object> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var counts = new Dictionary<(DateTime Hour, string Kind, string Listener, string Key), long>();
        void Count(DateTime time, string kind, string listener, string key)
        {
            var k = (new DateTime(time.Year, time.Month, time.Day, time.Hour, 0, 0, DateTimeKind.Utc), kind, listener, key);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        foreach (var item in batch)
        {
            switch (item)
            {
                case DeliveryLogEntry d:
                    Count(d.TimeUtc, Delivery, "", d.Result);
                    break;
                case MailAuthResultEntry m:
                    Count(m.TimeUtc, MailAuth, "", "spf:" + m.Spf);
                    Count(m.TimeUtc, MailAuth, "", "dkim:" + DkimKey(m.Dkim));
                    Count(m.TimeUtc, MailAuth, "", "dmarc:" + m.Dmarc);
                    break;
                case TlsLogEntry t:
                    Count(t.TimeUtc, Tls, t.Listener, TlsKey(t));
                    if (t.Cipher.Length > 0)
                    {
                        Count(t.TimeUtc, Cipher, t.Listener, t.Cipher);
                    }
                    break;
            }
        }
        if (counts.Count == 0)
        {
            return;
        }
        var hours = counts.Keys.Select(k => k.Hour).Distinct().ToList();
        var existing = await db.HourBuckets.Where(b => hours.Contains(b.HourUtc)).ToListAsync(cancellationToken);
        var byKey = existing.ToDictionary(b => (b.HourUtc, b.Kind, b.Listener, b.Key));
        foreach (var (key, count) in counts)
        {
            if (byKey.TryGetValue(key, out var bucket))
            {
                bucket.Count += count;
            }
            else
            {
                db.HourBuckets.Add(new LogHourBucket { HourUtc = key.Hour, Kind = key.Kind, Listener = key.Listener, Key = key.Key, Count = count });
            }
        }
    }
}
