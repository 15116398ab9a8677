namespace MailHost.Admin.Web.Components.Pages;

/// <summary>The IP-range flags with the element id tests select by, a plain label and one line of help each.</summary>
public sealed record RangeFlag(string Id, string Label, string Help, Func<MailHost.Shared.Entities.IpRange, bool> Get, Action<MailHost.Shared.Entities.IpRange, bool> Set);

public static class RangeFlags
{
    public static IReadOnlyList<RangeFlag> All { get; } =
    [
        new("r-smtp", "SMTP", "Addresses in this range may connect to the SMTP and submission ports.", r => r.AllowSmtp, (r, v) => r.AllowSmtp = v),
        new("r-imap", "IMAP", "May connect to IMAP to read mail.", r => r.AllowImap, (r, v) => r.AllowImap = v),
        new("r-pop3", "POP3", "May connect to POP3 to download mail.", r => r.AllowPop3, (r, v) => r.AllowPop3 = v),
        new("r-auth", "Authentication allowed", "May log in with a user name and password (AUTH, LOGIN).", r => r.AllowAuth, (r, v) => r.AllowAuth = v),
        new("r-require-tls", "Require TLS for authentication", "Passwords are refused until the connection is encrypted (STARTTLS or implicit TLS).", r => r.RequireTlsForAuth, (r, v) => r.RequireTlsForAuth = v),
        new("r-relay", "Relay without authentication", "May send mail to any domain without logging in: only for your own servers, never the internet.", r => r.AllowRelay, (r, v) => r.AllowRelay = v),
        new("r-local", "Local delivery without authentication", "May deliver to this server's own domains without logging in, as other mail servers do.", r => r.AllowLocalDeliveryWithoutAuth, (r, v) => r.AllowLocalDeliveryWithoutAuth = v),
        new("r-never-ban", "Never ban", "Failed logins from here never lead to an automatic ban (keep for your own network).", r => r.NeverBan, (r, v) => r.NeverBan = v),
        new("r-verify-sender-auth", "Verify sender authentication", "Check SPF, DKIM and DMARC on mail from unauthenticated senders here and apply the sender's DMARC policy: on for the internet, off for your own servers.",
            r => r.VerifySenderAuthentication, (r, v) => r.VerifySenderAuthentication = v),
    ];
}
