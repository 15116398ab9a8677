using MailHost.Server.MailAuth.Dkim;

namespace MailHost.Server.MailAuth.Dmarc;

public enum DmarcPolicy
{
    None,
    Quarantine,
    Reject,
}

/// <summary>A DMARC policy record (RFC 9989 §4.7; pct= from RFC 7489 §6.3 is still read, as is t=).</summary>
public sealed record DmarcRecord(DmarcPolicy Policy, DmarcPolicy? SubdomainPolicy, DmarcPolicy? NonExistentPolicy, bool StrictDkim, bool StrictSpf, int Percent, bool Testing, string Psd)
{
    /// <summary>The rua= tag as published (aggregate report destinations, RFC 9990 §2); parsed by <c>DmarcReportUri</c>.</summary>
    public string Rua { get; init; } = "";

    /// <summary>Null when the text is not a DMARC record (it must start with v=DMARC1, §4.7).</summary>
    public static DmarcRecord? Parse(string text)
    {
        var tags = DkimTagList.Parse(text);
        if (tags is null || !text.TrimStart().StartsWith('v') || !tags.TryGetValue("v", out var v) || v != "DMARC1")
        {
            return null;
        }
        string Get(string name) => tags.TryGetValue(name, out var value) ? value.ToLowerInvariant() : "";
        // An unknown or absent p= is read as "none" (RFC 9989 §4.7: p is optional; RFC 7489 §6.6.3: a bad p= with rua is "none").
        var policy = ParsePolicy(Get("p")) ?? DmarcPolicy.None;
        var percent = int.TryParse(Get("pct"), NumberStyles.None, CultureInfo.InvariantCulture, out var pct) ? Math.Clamp(pct, 0, 100) : 100;
        return new DmarcRecord(policy, ParsePolicy(Get("sp")), ParsePolicy(Get("np")), Get("adkim") == "s", Get("aspf") == "s", percent, Get("t") == "y", Get("psd") is "y" or "n" ? Get("psd") : "u")
        {
            // Not lower-cased: the mailbox part of a mailto: URI is case-sensitive.
            Rua = tags.TryGetValue("rua", out var rua) ? rua : "",
        };
    }

    private static DmarcPolicy? ParsePolicy(string value) => value switch
    {
        "none" => DmarcPolicy.None,
        "quarantine" => DmarcPolicy.Quarantine,
        "reject" => DmarcPolicy.Reject,
        _ => null,
    };
}
