using MailHost.Server.MailAuth.Dkim;
using MailHost.Server.MailAuth.Dmarc;
using MailHost.Server.MailAuth.Spf;

namespace MailHost.Server.MailAuth;

/// <summary>What the SMTP session does with the message: deliver (perhaps to Junk), refuse, or ask to retry.</summary>
public sealed record MailAuthVerdict(MailAuthAction Action, int Code, string Enhanced, string Text, string Reason)
{
    public bool Refuses => Code >= 400;

    /// <summary>The policy of issue 15: DMARC p=reject → setting; p=quarantine → Junk; SPF fail without DMARC → setting; DNS trouble → 451.</summary>
    public static MailAuthVerdict Decide(InboundAuthReport report, MailAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        var dmarc = report.Dmarc;
        var spfTemp = report.MailFrom.Result == SpfResult.TempError;
        var dkimTemp = report.Dkim.Any(d => d.Result == DkimResult.TempError);
        // A failure that a DNS answer could still turn into a pass is deferred, not judged (RFC 7208 §2.6.6, RFC 9989 §4.8).
        if (dmarc.Result == DmarcResult.TempError || dmarc.Result == DmarcResult.Fail && dmarc.Requested != DmarcPolicy.None && (spfTemp || dkimTemp))
        {
            return Temp($"DNS error while checking sender authentication ({dmarc.FromDomain}); try again later");
        }
        if (dmarc.Result == DmarcResult.Fail)
        {
            var action = dmarc.Applied switch
            {
                DmarcPolicy.Reject => options.DmarcReject,
                DmarcPolicy.Quarantine => options.DmarcReject == MailAuthAction.Tag ? MailAuthAction.Tag : MailAuthAction.Quarantine,
                _ => MailAuthAction.Tag,
            };
            return Act(action, "5.7.1", $"DMARC policy of {dmarc.PolicyDomain} rejects this message: {dmarc.Reason}", $"DMARC fail, p={dmarc.Requested}");
        }
        if (dmarc.Result == DmarcResult.None && report.MailFrom.Result == SpfResult.Fail)
        {
            return Act(options.SpfFailWithoutDmarc, "5.7.23", $"SPF check failed for {report.SpfDomain}: {report.MailFrom.Reason}", "SPF fail without DMARC");
        }
        if (dmarc.Result == DmarcResult.None && spfTemp && options.SpfFailWithoutDmarc != MailAuthAction.Tag)
        {
            return Temp($"DNS error while checking SPF for {report.SpfDomain}; try again later");
        }
        return new MailAuthVerdict(MailAuthAction.Tag, 250, "2.0.0", "", "");
    }

    private static MailAuthVerdict Act(MailAuthAction action, string enhanced, string text, string reason) => action switch
    {
        MailAuthAction.Reject => new MailAuthVerdict(action, 550, enhanced, text, reason),
        _ => new MailAuthVerdict(action, 250, "2.0.0", "", reason),
    };

    private static MailAuthVerdict Temp(string text) => new(MailAuthAction.Tag, 451, "4.7.24", text, "DNS temporary error");
}
