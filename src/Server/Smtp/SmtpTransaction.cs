using MailHost.Server.Queue;

namespace MailHost.Server.Smtp;

/// <summary>
/// One mail transaction, from MAIL to the end of DATA/BDAT LAST or RSET. It keeps the snapshot
/// taken at MAIL FROM, so relay and limit decisions within a transaction are consistent.
/// </summary>
internal sealed class SmtpTransaction(MailHostSnapshot snapshot, string sender)
{
    public MailHostSnapshot Snapshot { get; } = snapshot;
    public string Sender { get; } = sender;
    public List<QueuedRecipient> Recipients { get; } = [];

    /// <summary>RCPT commands that were accepted (aliases count once, however many targets they expand to).</summary>
    public int AcceptedRcptCommands { get; set; }
    public bool RcptAttempted { get; set; }
    public string? Body { get; set; }
    public bool SmtpUtf8 { get; set; }
    public bool RequireTls { get; set; }
    public string? DsnRet { get; set; }
    public string? DsnEnvelopeId { get; set; }
    public long? DeclaredSize { get; set; }

    /// <summary>The envelope addresses as the client gave them, for the delivery log.</summary>
    public List<string> GivenRecipients { get; } = [];

    /// <summary>Target address → the policy decision that accepted it (for the delivery log's trace).</summary>
    public Dictionary<string, string> Decisions { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Where local recipients get the message instead of INBOX (Junk after a DMARC quarantine verdict).</summary>
    public string? Mailbox { get; set; }

    /// <summary>Set while BDAT chunks arrive.</summary>
    public MessageWriter? Chunks { get; set; }

    public void AddRecipient(QueuedRecipient recipient)
    {
        if (!Recipients.Any(r => string.Equals(r.Address, recipient.Address, StringComparison.OrdinalIgnoreCase)))
        {
            Recipients.Add(recipient);
        }
    }
}
