namespace MailHost.Server.Queue;

public enum RecipientState
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>One recipient of a queued message and where its delivery stands.</summary>
public sealed class QueuedRecipient
{
    public string Address { get; set; } = "";

    /// <summary>The address as the client gave it (DSN ORCPT), when it differs.</summary>
    public string? OriginalRecipient { get; set; }

    /// <summary>DSN NOTIFY (RFC 3461): NEVER, or any of SUCCESS, FAILURE, DELAY; null when not given.</summary>
    public string? Notify { get; set; }
    public bool IsLocal { get; set; }
    public RecipientState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptUtc { get; set; }
    public string LastResult { get; set; } = "";
}

/// <summary>The envelope of a spooled message, stored as JSON next to the message bytes.</summary>
public sealed class QueuedMessage
{
    public string Id { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
    public string Sender { get; set; } = "";
    public List<QueuedRecipient> Recipients { get; set; } = [];
    public long Size { get; set; }

    /// <summary>The Message-ID header, for tracing a message from acceptance to delivery.</summary>
    public string MessageIdHeader { get; set; } = "";
    public string HeloName { get; set; } = "";
    public string RemoteAddress { get; set; } = "";
    public string? AuthenticatedUser { get; set; }
    public string? TlsVersion { get; set; }

    /// <summary>BODY=8BITMIME / BINARYMIME, SMTPUTF8, REQUIRETLS (RFC 8689), DSN RET and ENVID (RFC 3461).</summary>
    public string? Body { get; set; }
    public bool SmtpUtf8 { get; set; }
    public bool RequireTls { get; set; }
    public string? DsnRet { get; set; }
    public string? DsnEnvelopeId { get; set; }
    public bool Held { get; set; }

    /// <summary>The local mailbox to deliver into instead of INBOX ("Junk" for a DMARC quarantine); null for INBOX.</summary>
    public string? Mailbox { get; set; }
}
