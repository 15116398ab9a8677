namespace MailHost.Shared.Entities;

/// <summary>
/// The sender-authentication verdict on one received message (logs.db): what was checked, what each
/// check said, what the policy made of it. The delivery log, the trace page, the dashboard counts and
/// the DMARC aggregate reports all read these rows.
/// </summary>
public class MailAuthResultEntry
{
    public long Id { get; set; }
    public DateTime TimeUtc { get; set; }

    /// <summary>The spool id of the message (also set for refused messages, whose intake rows carry none).</summary>
    public string QueueId { get; set; } = "";
    public string MessageId { get; set; } = "";
    public string SourceIp { get; set; } = "";
    public string Helo { get; set; } = "";

    /// <summary>The domain SPF's MAIL FROM result is about (the HELO name for a null reverse path).</summary>
    public string MailFromDomain { get; set; } = "";

    /// <summary>The one RFC5322.From domain (empty when the From field has none or several).</summary>
    public string FromDomain { get; set; } = "";
    public string SpfHelo { get; set; } = "";
    public string Spf { get; set; } = "";

    /// <summary>One entry per signature, "; "-separated: "d=example.org s=sel1 pass" (see <see cref="MailAuthDkimEntries"/>).</summary>
    public string Dkim { get; set; } = "";
    public string Dmarc { get; set; } = "";

    /// <summary>The organizational or From domain whose DMARC record applied (empty without one).</summary>
    public string DmarcPolicyDomain { get; set; } = "";

    /// <summary>p= the domain asked for (none, quarantine, reject), and what applied after pct=/t=.</summary>
    public string DmarcRequested { get; set; } = "";
    public string DmarcApplied { get; set; } = "";
    public bool DmarcSpfAligned { get; set; }
    public bool DmarcDkimAligned { get; set; }
    public string Arc { get; set; } = "";

    /// <summary>Which rule of the policy decided (e.g. "DMARC fail, p=Reject"); empty when nothing failed.</summary>
    public string Policy { get; set; } = "";

    /// <summary>See <see cref="MailAuthDispositions"/>.</summary>
    public string Disposition { get; set; } = "";

    /// <summary>The SMTP reply of a refusal or deferral.</summary>
    public string RejectReason { get; set; } = "";
}

/// <summary>Values of <see cref="MailAuthResultEntry.Disposition"/>.</summary>
public static class MailAuthDispositions
{
    public const string Delivered = "delivered";
    public const string Junk = "junk";
    public const string Rejected = "rejected";
    public const string Deferred = "deferred";
}

/// <summary>One DKIM signature's verdict as stored in <see cref="MailAuthResultEntry.Dkim"/>.</summary>
public sealed record MailAuthDkimEntry(string Domain, string Selector, string Result);

/// <summary>Writes and reads the compact per-signature list of <see cref="MailAuthResultEntry.Dkim"/>.</summary>
public static class MailAuthDkimEntries
{
    public static string Format(IEnumerable<MailAuthDkimEntry> entries) =>
        string.Join("; ", entries.Select(e => $"d={Clean(e.Domain)} s={Clean(e.Selector)} {Clean(e.Result)}"));

    public static IReadOnlyList<MailAuthDkimEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<MailAuthDkimEntry>();
        foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 3 && words[0].StartsWith("d=", StringComparison.Ordinal) && words[1].StartsWith("s=", StringComparison.Ordinal))
            {
                list.Add(new MailAuthDkimEntry(words[0][2..], words[1][2..], words[2]));
            }
        }
        return list;
    }

    // Domains and selectors come from the message: no separator survives into the stored list.
    private static string Clean(string value)
    {
        var clean = new string([.. value.Where(c => c is > ' ' and <= '~' and not ';').Take(253)]);
        return clean.Length == 0 ? "-" : clean;
    }
}
