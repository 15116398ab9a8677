namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// Destinations we never report to, whatever a DMARC record says: mailboxes named like abuse desks,
/// spam traps or sinks. A report there is unsolicited mail to a complaint or trap address, the pattern
/// that got a Stalwart host listed by Spamhaus (stalwartlabs/stalwart#3315).
/// </summary>
public static class DmarcReportMailbox
{
    private static readonly string[] Words = ["abuse", "spam", "trap", "honeypot", "blackhole", "devnull", "complaint", "phish", "fbl"];

    /// <summary>Why the address is refused, or null when it may be used.</summary>
    public static string? Refusal(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var local = address[..Math.Max(0, address.LastIndexOf('@'))].ToLowerInvariant();
        // Sub-addresses ("dmarc+abuse") and separators do not hide a word.
        var word = Words.FirstOrDefault(w => local.Contains(w, StringComparison.Ordinal));
        return word is null ? null : $"mailbox name contains \"{word}\"";
    }
}
