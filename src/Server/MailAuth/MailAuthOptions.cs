namespace MailHost.Server.MailAuth;

/// <summary>What to do with a message whose sender authentication failed.</summary>
public enum MailAuthAction
{
    /// <summary>Deliver, with the results in Authentication-Results only.</summary>
    Tag,
    /// <summary>Deliver to the recipient's Junk mailbox.</summary>
    Quarantine,
    /// <summary>Refuse at the end of DATA (550 5.7.1).</summary>
    Reject,
}

/// <summary>Configuration section MailHost:MailAuth.</summary>
public sealed class MailAuthOptions
{
    public const string Section = "MailHost:MailAuth";

    /// <summary>A DMARC failure where the domain asks p=reject: reject (default), quarantine or tag only.</summary>
    public MailAuthAction DmarcReject { get; set; } = MailAuthAction.Reject;

    /// <summary>SPF "fail" (-all) from a domain without DMARC: tag only by default (like Stalwart's "relaxed").</summary>
    public MailAuthAction SpfFailWithoutDmarc { get; set; } = MailAuthAction.Tag;
}
