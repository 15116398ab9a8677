using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>ENVELOPE (RFC 9051 §7.5.2): header values as sent (encoded words untouched), address lists as structures.</summary>
public static class EnvelopeFormatter
{
    public static void Write(ImapResponse r, MimeEntity message)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(message);
        var from = message.Header("From");
        r.Raw("(");
        r.String(message.Header("Date")).Raw(" ");
        r.String(message.Header("Subject")).Raw(" ");
        Addresses(r, from).Raw(" ");
        // RFC 9051 §7.5.2: Sender and Reply-To default to From when absent.
        Addresses(r, message.Header("Sender") ?? from).Raw(" ");
        Addresses(r, message.Header("Reply-To") ?? from).Raw(" ");
        Addresses(r, message.Header("To")).Raw(" ");
        Addresses(r, message.Header("Cc")).Raw(" ");
        Addresses(r, message.Header("Bcc")).Raw(" ");
        r.String(message.Header("In-Reply-To")).Raw(" ");
        r.String(message.Header("Message-ID"));
        r.Raw(")");
    }

    private static ImapResponse Addresses(ImapResponse r, string? value)
    {
        var list = AddressParser.Parse(value);
        if (list.Count == 0)
        {
            return r.Raw("NIL");
        }
        r.Raw("(");
        foreach (var a in list)
        {
            if (a.GroupStart)
            {
                r.Raw("(NIL NIL ").String(a.Name ?? "").Raw(" NIL)");
            }
            else if (a.GroupEnd)
            {
                r.Raw("(NIL NIL NIL NIL)");
            }
            else
            {
                // A NIL host means "group start" (RFC 9051 §7.5.2): use Dovecot's placeholders so a strict client keeps its place.
                var mailbox = string.IsNullOrEmpty(a.Mailbox) ? "MISSING_MAILBOX" : a.Mailbox;
                var host = string.IsNullOrEmpty(a.Host) ? "MISSING_DOMAIN" : a.Host;
                r.Raw("(").String(a.Name).Raw(" NIL ").String(mailbox).Raw(" ").String(host).Raw(")");
            }
        }
        return r.Raw(")");
    }
}
