namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// Configuration section MailHost:DmarcReports. Sending is off by default: an aggregate report is mail
/// from our IP to an address the sending domain chose, spammers' domains included (stalwartlabs/stalwart#3315,
/// listed by Spamhaus CSS for exactly that); OpenDMARC and rspamd also ship with reporting off.
/// </summary>
public sealed class DmarcReportOptions
{
    public const string Section = "MailHost:DmarcReports";

    /// <summary>Send aggregate reports to the rua= of domains we received mail from.</summary>
    public bool Send { get; set; }

    /// <summary>The reporting period: one run per interval (RFC 9990: a day is the norm; tests use seconds).</summary>
    public int IntervalSeconds { get; set; } = 86_400;

    /// <summary>Our own cap on one report's gzipped attachment, on top of the destination's "!size".</summary>
    public int MaxReportBytes { get; set; } = 1_000_000;

    /// <summary>At most this many reports leave per run (a burst of new domains cannot turn us into a bulk sender).</summary>
    public int MaxReportsPerRun { get; set; } = 200;

    /// <summary>The local address whose incoming mail is read as DMARC aggregate reports (empty: none).</summary>
    public string? Address { get; set; }

    /// <summary>Incoming: the largest message parsed, and the most XML one attachment may expand to.</summary>
    public int MaxIncomingBytes { get; set; } = 10 * 1024 * 1024;
    public int MaxIncomingXmlBytes { get; set; } = 20 * 1024 * 1024;
}
