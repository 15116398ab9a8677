using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>ENVELOPE (RFC 9051 §7.5.2): header values as sent (encoded words untouched), address lists as structures.</summary>
public static class EnvelopeFormatter
{
    public static void Write(ImapResponse r, MimeEntity message)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(message);
        var from = All(message, "From");
        r.Raw("(");
        r.String(message.Header("Date")).Raw(" ");
        r.String(message.Header("Subject")).Raw(" ");
        Addresses(r, from).Raw(" ");
        // RFC 9051 §7.5.2: Sender and Reply-To default to From when absent.
        Addresses(r, All(message, "Sender") ?? from).Raw(" ");
        Addresses(r, All(message, "Reply-To") ?? from).Raw(" ");
        Addresses(r, All(message, "To")).Raw(" ");
        Addresses(r, All(message, "Cc")).Raw(" ");
        Addresses(r, All(message, "Bcc")).Raw(" ");
        r.String(message.Header("In-Reply-To")).Raw(" ");
        r.String(message.Header("Message-ID"));
        r.Raw(")");
    }

    /// <summary>Every field of that name, joined: a message with two From or To fields lists all their addresses, as Dovecot does.</summary>
    private static string? All(MimeEntity message, string name)
    {
        string? joined = null;
        foreach (var h in message.Headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                joined = joined is null ? h.Value : joined + ", " + h.Value;
            }
        }
        return joined;
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
                r.Raw("(").String(a.Name).Raw(" ").String(a.Route).Raw(" ").String(mailbox).Raw(" ").String(host).Raw(")");
            }
        }
        return r.Raw(")");
    }
}
