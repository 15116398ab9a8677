namespace MailHost.Shared.Entities;

/// <summary>
/// A fetched MTA-STS policy (RFC 8461 §5.1) kept across restarts until <see cref="ExpiresUtc"/> (fetch time +
/// max_age), so an attacker who blocks the HTTPS policy host after a restart cannot strip an enforced policy.
/// </summary>
public class MtaStsPolicyCacheEntry
{
    /// <summary>The recipient (policy) domain, lower case, no trailing dot.</summary>
    public string Domain { get; set; } = "";

    /// <summary>The `id=` of the `_mta-sts` TXT record the policy was fetched under.</summary>
    public string PolicyId { get; set; } = "";

    /// <summary>The policy file as served (at most 64 KB): parsed again when loaded.</summary>
    public string PolicyText { get; set; } = "";
    public DateTime FetchedUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }

    /// <summary>When the background refresher last looked at the `_mta-sts` record.</summary>
    public DateTime CheckedUtc { get; set; }
}

/// <summary>
/// TLS-RPT (RFC 8460) counts: one row per (report period, policy domain, policy, result, hosts), never one per
/// delivery, so a busy day costs a bounded number of rows. The daily report is built from these rows.
/// </summary>
public class TlsReportCounter
{
    public long Id { get; set; }

    /// <summary>Start of the report period (a UTC day by default).</summary>
    public DateTime PeriodStartUtc { get; set; }
    public string PolicyDomain { get; set; } = "";

    /// <summary>sts, tlsa or no-policy-found (RFC 8460 §4.4).</summary>
    public string PolicyType { get; set; } = "";

    /// <summary>The policy-string lines, '\n'-joined (the MTA-STS policy's lines or the TLSA records).</summary>
    public string PolicyStrings { get; set; } = "";

    /// <summary>The mx-host patterns of the policy, '\n'-joined.</summary>
    public string PolicyMxHosts { get; set; } = "";

    /// <summary>SHA-256 (hex) of type, strings and mx-host patterns: the part of the unique key that may be long.</summary>
    public string PolicyHash { get; set; } = "";

    /// <summary>success, or an RFC 8460 §4.3 result type.</summary>
    public string ResultType { get; set; } = "";
    public string ReceivingMxHost { get; set; } = "";
    public string ReceivingIp { get; set; } = "";
    public string SendingIp { get; set; } = "";

    /// <summary>A short reason code for failure-details (e.g. "mx-not-listed"); empty for successes.</summary>
    public string FailureReason { get; set; } = "";
    public long Count { get; set; }
}
