using System.Text;
using MailHost.Server.Protocol;

namespace MailHost.Server.Smtp;

/// <summary>One SMTP reply: basic code, enhanced status code (RFC 3463) and text, possibly several lines.</summary>
public readonly record struct SmtpReply(int Code, string Enhanced, string Text)
{
    public bool IsError => Code >= 400;

    /// <summary>The reply on the wire: "code-" on every line but the last (RFC 5321 §4.2.1), the enhanced code on each (RFC 2034 §4).</summary>
    public string Format()
    {
        var lines = Text.Split('\n');
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            sb.Append(Code.ToString(CultureInfo.InvariantCulture));
            sb.Append(i == lines.Length - 1 ? ' ' : '-');
            if (Enhanced.Length > 0)
            {
                sb.Append(Enhanced).Append(' ');
            }
            // Replies never carry CR or LF inside a line: text from settings or clients cannot inject a reply.
            sb.Append(lines[i].Replace("\r", "", StringComparison.Ordinal)).Append("\r\n");
        }
        return sb.ToString();
    }

    public override string ToString() => Format().TrimEnd();
}

/// <summary>The fixed replies, in one place so the wording is consistent.</summary>
internal static class SmtpReplies
{
    public static readonly SmtpReply Ok = new(250, "2.0.0", "Ok");
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Sender ok");
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Recipient ok");
    public static readonly SmtpReply Bye = new(221, "2.0.0", "Bye");
    public static readonly SmtpReply StartData = new(354, "", "End data with <CR><LF>.<CR><LF>");
    public static readonly SmtpReply ReadyForTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpReply Unrecognized = new(500, "5.5.1", "Command unrecognized");
    public static readonly SmtpReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly SmtpReply SyntaxError = new(501, "5.5.2", "Syntax error in parameters or arguments");
    public static readonly SmtpReply NotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly SmtpReply SendHeloFirst = new(503, "5.5.1", "Send EHLO/HELO first");
    public static readonly SmtpReply NeedMail = new(503, "5.5.1", "Need MAIL command");
    public static readonly SmtpReply NestedMail = new(503, "5.5.1", "Nested MAIL command");
    public static readonly SmtpReply NeedRcpt = new(503, "5.5.1", "Need RCPT command");
    public static readonly SmtpReply NoValidRecipients = new(554, "5.5.1", "No valid recipients");
    public static readonly SmtpReply MustStartTls = new(530, "5.7.0", "Must issue a STARTTLS command first");
    public static readonly SmtpReply AuthRequired = new(530, "5.7.0", "Authentication required");
    public static readonly SmtpReply RelayDenied = new(554, "5.7.1", "Relay access denied");
    public static readonly SmtpReply UnknownUser = new(550, "5.1.1", "Recipient address rejected: user unknown");
    public static readonly SmtpReply BadRecipientSyntax = new(501, "5.1.3", "Bad recipient address syntax");
    public static readonly SmtpReply BadSenderSyntax = new(501, "5.1.7", "Bad sender address syntax");
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");
    public static readonly SmtpReply MessageTooBig = new(552, "5.3.4", "Message size exceeds fixed maximum message size");
    public static readonly SmtpReply BareLineEnding = new(550, "5.6.11", "Bare CR or LF in message data is not allowed; message refused");
    public static readonly SmtpReply UnknownParameter = new(555, "5.5.4", "MAIL FROM/RCPT TO parameters not recognized or not implemented");
    public static readonly SmtpReply NeedSmtpUtf8 = new(553, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter");
    public static readonly SmtpReply LocalError = new(451, "4.3.0", "Local error in processing; try again later");
    public static readonly SmtpReply MailboxFull = new(452, "4.2.2", "Mailbox full; try again later");
    public static readonly SmtpReply MailboxFullForMessage = new(552, "5.2.2", "Mailbox full: message exceeds the recipient's storage quota");

    /// <summary>RFC 3463 X.2.1: the account exists but is disabled (permanent until an admin enables it).</summary>
    public static readonly SmtpReply MailboxDisabled = new(550, "5.2.1", "Mailbox disabled, not accepting messages");
    public static readonly SmtpReply InsufficientStorage = new(452, "4.3.1", "Insufficient system storage; try again later");
    public static readonly SmtpReply IdleTimeout = new(421, "4.4.2", "Idle timeout, closing connection");
    public static readonly SmtpReply ShuttingDown = new(421, "4.3.2", "Server shutting down");
    public static readonly SmtpReply TooManyErrors = new(421, "4.7.0", "Too many errors, closing connection");
    public static readonly SmtpReply TooManyCommands = new(421, "4.7.0", "Too many commands without mail, closing connection");
    public static readonly SmtpReply TooManyConnections = new(421, "4.7.0", "Too many connections, try again later");
    public static readonly SmtpReply Banned = new(421, "4.7.0", "Too many failed logins from your address, try again later");
    public static readonly SmtpReply AccessDenied = new(554, "5.7.1", "Access denied for your address");
    public static readonly SmtpReply AuthOk = new(235, "2.7.0", "Authentication successful");
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly SmtpReply AuthzDenied = new(535, "5.7.8", "Not authorized to act as the requested identity");
    public static SmtpReply SenderNotOwned(string user) => new(553, "5.7.1", $"Sender address rejected: not owned by user {user}");

    public static SmtpReply FromHeaderNotOwned(string user) => new(550, "5.7.1", $"From: header address rejected: not owned by user {user}");

    public static readonly SmtpReply AuthBusy = new(454, "4.7.0", "Temporary authentication failure, try again later");
    public static readonly SmtpReply AuthNeedsTls = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static readonly SmtpReply AuthNotAvailable = new(503, "5.5.1", "Authentication not enabled");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpReply AuthInTransaction = new(503, "5.5.1", "AUTH not allowed during a mail transaction");
    public static readonly SmtpReply AuthCancelled = new(501, "5.7.0", "Authentication cancelled");
    public static readonly SmtpReply AuthBadEncoding = new(501, "5.5.2", "Cannot decode response");
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication type");
    public static readonly SmtpReply VrfyDisabled = new(502, "5.5.1", "VRFY command is disabled");
    public static readonly SmtpReply VrfyCannot = new(252, "2.0.0", "Cannot VRFY user, but will accept message and attempt delivery");
    public static readonly SmtpReply Help = new(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH\nSee RFC 5321");
    public static readonly SmtpReply TlsAlreadyActive = new(503, "5.5.1", "TLS already active");
    public static readonly SmtpReply TlsNotAvailable = new(502, "5.5.1", "STARTTLS not available");
    public static readonly SmtpReply RequireTlsNeedsTls = new(530, "5.7.10", "REQUIRETLS needs a TLS session");
    /// <summary>The refusal for a header section over the limits, or null: 552 5.3.4 for its size (RFC 3463 §3.4), 554 5.6.0 for a line.</summary>
    public static SmtpReply? HeaderLimit(HeaderLimitScanner scanner) => scanner.Verdict switch
    {
        HeaderVerdict.SectionTooLarge => new(552, "5.3.4", scanner.RefusalText + "; message refused"),
        HeaderVerdict.LineTooLong => new(554, "5.6.0", scanner.RefusalText + "; message refused"),
        _ => null,
    };

    public static readonly SmtpReply DataAfterBdat = new(503, "5.5.1", "DATA not allowed after BDAT in the same transaction");
}
