using MailHost.Server.MailAuth.Dmarc;

namespace MailHost.Server.MailAuth;

/// <summary>Turns a report and the policy's verdict into the logs.db row every console view and the DMARC reports read.</summary>
public static class MailAuthRecord
{
    public static MailAuthResultEntry Create(InboundAuthReport report, MailAuthVerdict verdict, string queueId, string messageId, DateTime timeUtc)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(verdict);
        var dmarc = report.Dmarc;
        return new MailAuthResultEntry
        {
            TimeUtc = timeUtc,
            QueueId = queueId,
            MessageId = Bounded(messageId, 998),
            SourceIp = report.Request.Client.ToString(),
            Helo = Bounded(report.Request.Helo, 255),
            MailFromDomain = Bounded(report.SpfDomain, 255),
            FromDomain = Bounded(dmarc.FromDomain ?? "", 255),
            SpfHelo = report.Helo.Keyword,
            Spf = report.MailFrom.Keyword,
            // At most 8 signatures are verified (InboundDkimVerifier), so this list stays short.
            Dkim = MailAuthDkimEntries.Format(report.Dkim.Select(d => new MailAuthDkimEntry(d.Domain, d.Selector, d.Keyword))),
            Dmarc = dmarc.Keyword,
            DmarcPolicyDomain = dmarc.PolicyDomain ?? "",
            DmarcRequested = dmarc.PolicyDomain is null ? "" : Policy(dmarc.Requested),
            DmarcApplied = dmarc.PolicyDomain is null ? "" : Policy(dmarc.Applied),
            DmarcSpfAligned = dmarc.SpfAligned,
            DmarcDkimAligned = dmarc.DkimAligned,
            Arc = report.Arc,
            Policy = verdict.Reason,
            Disposition = verdict.Code >= 500 ? MailAuthDispositions.Rejected
                : verdict.Code >= 400 ? MailAuthDispositions.Deferred
                : verdict.Action == MailAuthAction.Quarantine ? MailAuthDispositions.Junk
                : MailAuthDispositions.Delivered,
            RejectReason = verdict.Refuses ? $"{verdict.Code} {verdict.Enhanced} {verdict.Text}" : "",
        };
    }

    private static string Policy(DmarcPolicy policy) => policy.ToString().ToLowerInvariant();

    private static string Bounded(string value, int max) => value.Length <= max ? value : value[..max];
}
