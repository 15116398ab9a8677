using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.Logs;

/// <summary>
/// What the delivery and TLS log pages filter on; the same filter feeds the CSV export so the file
/// holds exactly what the page shows. Text matches any address, host, id or reason (SQL LIKE).
/// </summary>
public sealed class LogFilter
{
    public DateTime? FromUtc { get; set; }
    public DateTime? ToUtc { get; set; }
    public string Text { get; set; } = "";
    public string Result { get; set; } = "";
    public string TlsVersion { get; set; } = "";

    /// <summary>Delivery log only: messages whose sender-authentication verdict matches (see <see cref="SenderAuthChoices"/>).</summary>
    public string SenderAuth { get; set; } = "";

    /// <summary>The values of <see cref="SenderAuth"/> and what they mean.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> SenderAuthChoices =
    [
        ("checked", "checked"),
        ("dmarc:pass", "DMARC pass"),
        ("dmarc:fail", "DMARC fail"),
        ("spf:fail", "SPF fail"),
        ("dkim:fail", "DKIM fail"),
        ("refused", "refused or deferred for it"),
        ("junk", "delivered to Junk"),
    ];

    /// <summary>Keeps the delivery rows whose message has a verdict matching <see cref="SenderAuth"/> (joined on the queue id).</summary>
    public IQueryable<DeliveryLogEntry> ApplySenderAuth(IQueryable<DeliveryLogEntry> query, IQueryable<MailAuthResultEntry> verdicts)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(verdicts);
        var matching = SenderAuth switch
        {
            "" => null,
            "dmarc:pass" => verdicts.Where(v => v.Dmarc == "pass"),
            "dmarc:fail" => verdicts.Where(v => v.Dmarc == "fail"),
            "spf:fail" => verdicts.Where(v => v.Spf == "fail" || v.Spf == "softfail"),
            "dkim:fail" => verdicts.Where(v => v.Dkim.Contains(" fail") && !v.Dkim.Contains(" pass")),
            "refused" => verdicts.Where(v => v.Disposition == MailAuthDispositions.Rejected || v.Disposition == MailAuthDispositions.Deferred),
            "junk" => verdicts.Where(v => v.Disposition == MailAuthDispositions.Junk),
            _ => verdicts,
        };
        return matching is null ? query : query.Where(e => e.QueueId != "" && matching.Select(v => v.QueueId).Contains(e.QueueId));
    }

    public IQueryable<DeliveryLogEntry> Apply(IQueryable<DeliveryLogEntry> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (FromUtc is { } from)
        {
            query = query.Where(e => e.TimeUtc >= from);
        }
        if (ToUtc is { } to)
        {
            query = query.Where(e => e.TimeUtc <= to);
        }
        if (Text.Trim() is { Length: > 0 } t)
        {
            query = query.Where(e => e.Sender.Contains(t) || e.Recipient.Contains(t) || e.MessageId.Contains(t) || e.QueueId.Contains(t) || e.RemoteHost.Contains(t) || e.Reason.Contains(t));
        }
        if (Result.Length > 0)
        {
            query = query.Where(e => e.Result == Result);
        }
        if (TlsVersion.Length > 0)
        {
            query = query.Where(e => e.TlsVersion == TlsVersion);
        }
        return query;
    }

    public IQueryable<TlsLogEntry> Apply(IQueryable<TlsLogEntry> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (FromUtc is { } from)
        {
            query = query.Where(e => e.TimeUtc >= from);
        }
        if (ToUtc is { } to)
        {
            query = query.Where(e => e.TimeUtc <= to);
        }
        if (Text.Trim() is { Length: > 0 } t)
        {
            query = query.Where(e => e.RemoteEndpoint.Contains(t) || e.Listener.Contains(t) || e.Sni.Contains(t) || e.AuthUser.Contains(t) || e.Cipher.Contains(t));
        }
        if (Result.Length > 0)
        {
            query = query.Where(e => e.AuthResult == Result);
        }
        if (TlsVersion.Length > 0)
        {
            query = query.Where(e => e.TlsVersion == TlsVersion);
        }
        return query;
    }

    public string ToQueryString() =>
        string.Join("&", new[]
        {
            FromUtc is { } f ? "from=" + Uri.EscapeDataString(f.ToString("o", System.Globalization.CultureInfo.InvariantCulture)) : null,
            ToUtc is { } to ? "to=" + Uri.EscapeDataString(to.ToString("o", System.Globalization.CultureInfo.InvariantCulture)) : null,
            Text.Length > 0 ? "q=" + Uri.EscapeDataString(Text) : null,
            Result.Length > 0 ? "result=" + Uri.EscapeDataString(Result) : null,
            TlsVersion.Length > 0 ? "tls=" + Uri.EscapeDataString(TlsVersion) : null,
            SenderAuth.Length > 0 ? "auth=" + Uri.EscapeDataString(SenderAuth) : null,
        }.Where(p => p is not null));
}
