using System.Text;
using System.Text.RegularExpressions;

namespace MailHost.Server.Queue;

/// <summary>A recipient reported in a DSN, with the reply that decided its fate.</summary>
public sealed record DsnRecipient(string Address, string? OriginalRecipient, string Action, string Reply, string RemoteMta, DateTime LastAttemptUtc);

/// <summary>
/// Builds delivery status notifications: RFC 3464 multipart/report (RFC 6522) with a human part,
/// a message/delivery-status part and the returned message (full, or headers only for RET=HDRS, RFC 3461 §4.3).
/// </summary>
public static partial class DsnBuilder
{
    /// <summary>Above this size only the headers are returned even for RET=FULL, like Postfix's bounce_size_limit.</summary>
    public const int FullReturnLimit = 1024 * 1024;

    [GeneratedRegex(@"\b([245])\.(\d{1,3})\.(\d{1,3})\b")]
    private static partial Regex EnhancedCode();

    /// <summary>The RFC 3463 status for a reply: its enhanced code if it has one, else class.0.0 from the basic code.</summary>
    public static string StatusOf(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        // Our results read "host [ip]:port said: 550 5.1.1 ..."; the peer's reply is what counts.
        var said = reply.LastIndexOf("said: ", StringComparison.Ordinal);
        var text = said < 0 ? reply : reply[(said + 6)..];
        var m = EnhancedCode().Match(text);
        if (m.Success)
        {
            return m.Value;
        }
        var first = text.TrimStart().FirstOrDefault();
        return first is '4' or '5' or '2' ? $"{first}.0.0" : "5.0.0";
    }

    public static byte[] Build(string reportingHost, QueuedMessage original, IReadOnlyList<DsnRecipient> recipients, byte[] originalContent, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(originalContent);
        var boundary = "=_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var failed = recipients.Any(r => r.Action == "failed");
        var sb = new StringBuilder();
        void Line(string s = "") => sb.Append(s).Append("\r\n");
        Line($"From: Mail Delivery System <MAILER-DAEMON@{reportingHost}>");
        Line($"To: <{original.Sender}>");
        Line(failed ? "Subject: Undelivered Mail Returned to Sender" : "Subject: Delayed Mail (still being retried)");
        Line($"Date: {nowUtc.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)} +0000");
        Line($"Message-ID: <{MessageSpool.NewId()}@{reportingHost}>");
        // RFC 3834 §5: automatic replies are marked so nobody auto-replies to them.
        Line("Auto-Submitted: auto-replied");
        Line("MIME-Version: 1.0");
        Line($"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{boundary}\"");
        Line();
        Line("This is a MIME-encapsulated message.");
        Line();
        Line($"--{boundary}");
        Line("Content-Type: text/plain; charset=utf-8");
        Line("Content-Transfer-Encoding: 8bit");
        Line();
        Line($"This is the mail system at host {reportingHost}.");
        Line();
        Line(failed
            ? "Your message could not be delivered to one or more recipients. It is attached below."
            : "Your message has not been delivered yet to one or more recipients. It will be retried; you need not send it again.");
        Line();
        foreach (var r in recipients)
        {
            Line($"<{r.Address}>: {r.Reply}");
        }
        Line();
        Line($"--{boundary}");
        // RFC 3464 §2: per-message fields, a blank line, then per-recipient groups.
        Line("Content-Type: message/delivery-status");
        Line();
        Line($"Reporting-MTA: dns; {reportingHost}");
        if (!string.IsNullOrEmpty(original.DsnEnvelopeId))
        {
            Line($"Original-Envelope-Id: {original.DsnEnvelopeId}");
        }
        Line($"Arrival-Date: {Rfc5322(original.CreatedUtc)}");
        foreach (var r in recipients)
        {
            Line();
            if (!string.IsNullOrEmpty(r.OriginalRecipient))
            {
                Line($"Original-Recipient: {(r.OriginalRecipient.Contains(';', StringComparison.Ordinal) ? r.OriginalRecipient : "rfc822; " + r.OriginalRecipient)}");
            }
            Line($"Final-Recipient: rfc822; {r.Address}");
            Line($"Action: {r.Action}");
            Line($"Status: {StatusOf(r.Reply)}");
            if (r.RemoteMta.Length > 0)
            {
                Line($"Remote-MTA: dns; {r.RemoteMta}");
            }
            Line($"Diagnostic-Code: smtp; {r.Reply.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)}");
            Line($"Last-Attempt-Date: {Rfc5322(r.LastAttemptUtc)}");
        }
        Line();
        Line($"--{boundary}");
        var headersOnly = original.DsnRet == "HDRS" || originalContent.Length > FullReturnLimit;
        Line(headersOnly ? "Content-Type: text/rfc822-headers" : "Content-Type: message/rfc822");
        Line();
        var head = Encoding.ASCII.GetBytes(sb.ToString());
        var returned = headersOnly ? HeaderBlock(originalContent) : originalContent;
        var tail = Encoding.ASCII.GetBytes($"{(EndsWithNewline(returned) ? "" : "\r\n")}\r\n--{boundary}--\r\n");
        return [.. head, .. returned, .. tail];
    }

    private static bool EndsWithNewline(byte[] b) => b.Length > 0 && b[^1] == (byte)'\n';

    private static byte[] HeaderBlock(byte[] content)
    {
        var span = content.AsSpan();
        var end = span.IndexOf("\r\n\r\n"u8);
        return end < 0 ? content : span[..(end + 2)].ToArray();
    }

    private static string Rfc5322(DateTime utc) => utc.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";
}
