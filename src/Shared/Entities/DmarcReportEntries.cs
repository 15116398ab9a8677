namespace MailHost.Shared.Entities;

/// <summary>
/// One DMARC aggregate report MailHost built for a domain's rua (logs.db): to whom, for which period,
/// and whether it was queued or why not. The newest row's <see cref="EndUtc"/> is where the next run starts.
/// </summary>
public class DmarcReportSentEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }

    /// <summary>The domain whose DMARC record asked for the report (policy_published/domain).</summary>
    public string PolicyDomain { get; set; } = "";

    /// <summary>The rua mailbox; empty on the row that only marks a run in which nothing was owed.</summary>
    public string Recipient { get; set; } = "";
    public string ReportId { get; set; } = "";
    public DateTime BeginUtc { get; set; }
    public DateTime EndUtc { get; set; }
    public int Records { get; set; }
    public int Messages { get; set; }

    /// <summary>"queued", or "skipped: " and the rule that stopped it (external destination, size, mailbox name, caps).</summary>
    public string Result { get; set; } = "";
    public string QueueId { get; set; } = "";
}

/// <summary>One row (source IP × results) of an aggregate report another receiver sent us (logs.db).</summary>
public class DmarcReceivedRecord
{
    public long Id { get; set; }
    public DateTime ReceivedUtc { get; set; }

    /// <summary>report_metadata: who reported (org_name, email) and their report_id.</summary>
    public string OrgName { get; set; } = "";
    public string ReporterEmail { get; set; } = "";
    public string ReportId { get; set; } = "";

    /// <summary>policy_published/domain: our domain the report is about.</summary>
    public string PolicyDomain { get; set; } = "";
    public DateTime BeginUtc { get; set; }
    public DateTime EndUtc { get; set; }
    public string SourceIp { get; set; } = "";
    public int Count { get; set; }

    /// <summary>policy_evaluated: disposition (none, quarantine, reject) and the aligned dkim/spf verdicts (pass, fail).</summary>
    public string Disposition { get; set; } = "";
    public string Dkim { get; set; } = "";
    public string Spf { get; set; } = "";
    public string HeaderFrom { get; set; } = "";
}
