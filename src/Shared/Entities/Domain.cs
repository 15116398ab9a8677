namespace MailHost.Shared.Entities;

/// <summary>A domain whose mail is delivered to local mailboxes.</summary>
public class Domain
{
    /// <summary>RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year).</summary>
    public const int MaxMtaStsMaxAgeSeconds = 31_557_600;

    public int Id { get; set; }
    public string Name { get; set; } = "";

    /// <summary>Our MTA-STS policy for this domain, served at https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt; None publishes nothing.</summary>
    public MtaStsPublishMode MtaStsMode { get; set; }

    /// <summary>The policy's max_age: how long senders cache it. A week by default (RFC 8461 §3.2 suggests weeks).</summary>
    public int MtaStsMaxAgeSeconds { get; set; } = 604_800;

    /// <summary>Extra mx: patterns of the policy (comma-separated, "*.example.com" allowed) besides the server's host name, e.g. a backup MX.</summary>
    public string MtaStsMx { get; set; } = "";
}

/// <summary>The mode of the MTA-STS policy we publish for one of our domains (RFC 8461 §5).</summary>
public enum MtaStsPublishMode
{
    /// <summary>Not published: the policy host answers 404.</summary>
    None = 0,

    /// <summary>Senders deliver even when TLS fails, and report (TLS-RPT).</summary>
    Testing = 1,

    /// <summary>Senders refuse to deliver without TLS to a listed MX with a valid certificate.</summary>
    Enforce = 2,
}
