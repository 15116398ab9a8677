using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace MailHost.Server.Queue;

/// <summary>A recipient reported in a DSN, with the reply that decided its fate.</summary>
public sealed record DsnRecipient(string Address, string? OriginalRecipient, string Action, string Reply, string RemoteMta, DateTime LastAttemptUtc);

/// <summary>
/// Builds delivery status notifications with MimeKit: RFC 3464 multipart/report (RFC 6522) with a human part,
/// a message/delivery-status part and the returned message (full, or headers only for RET=HDRS, RFC 3461 §4.3).
/// MimeKit picks the transfer encoding of the human part (a peer's reply may carry UTF-8) and writes the
/// status groups; the returned message is attached as the bytes we received, never re-serialised.
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
        var failed = recipients.Any(r => r.Action == "failed");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{reportingHost}"));
        // The envelope sender as it was given: it may not parse as a mailbox (SMTPUTF8, quoted local parts).
        message.Headers.Add(HeaderId.To, $"<{original.Sender}>");
        message.Subject = failed ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)";
        message.Date = new DateTimeOffset(DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc));
        message.MessageId = $"{MessageSpool.NewId()}@{reportingHost}";
        // RFC 3834 §5: automatic replies are marked so nobody auto-replies to them.
        message.Headers.Add("Auto-Submitted", "auto-replied");

        var report = new MultipartReport("delivery-status");
        report.Add(HumanPart(reportingHost, recipients, failed));
        report.Add(StatusPart(reportingHost, original, recipients));
        report.Add(Returned(original, originalContent));
        message.Body = report;

        using var output = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, output);
        return output.ToArray();
    }

    private static TextPart HumanPart(string reportingHost, IReadOnlyList<DsnRecipient> recipients, bool failed)
    {
        var text = new System.Text.StringBuilder();
        text.Append($"This is the mail system at host {reportingHost}.\r\n\r\n");
        text.Append(failed
            ? "Your message could not be delivered to one or more recipients. It is attached below.\r\n\r\n"
            : "Your message has not been delivered yet to one or more recipients. It will be retried; you need not send it again.\r\n\r\n");
        foreach (var r in recipients)
        {
            text.Append($"<{r.Address}>: {r.Reply}\r\n");
        }
        var part = new TextPart("plain");
        part.SetText("utf-8", text.ToString());
        part.ContentTransferEncoding = part.GetBestEncoding(EncodingConstraint.SevenBit);
        return part;
    }

    // RFC 3464 §2: one group of per-message fields, then one group per recipient.
    private static MessageDeliveryStatus StatusPart(string reportingHost, QueuedMessage original, IReadOnlyList<DsnRecipient> recipients)
    {
        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList { { "Reporting-MTA", $"dns; {reportingHost}" } };
        if (!string.IsNullOrEmpty(original.DsnEnvelopeId))
        {
            perMessage.Add("Original-Envelope-Id", Ascii(original.DsnEnvelopeId));
        }
        perMessage.Add("Arrival-Date", DateUtils.FormatDate(new DateTimeOffset(DateTime.SpecifyKind(original.CreatedUtc, DateTimeKind.Utc))));
        status.StatusGroups.Add(perMessage);
        foreach (var r in recipients)
        {
            var group = new HeaderList();
            if (!string.IsNullOrEmpty(r.OriginalRecipient))
            {
                group.Add("Original-Recipient", Ascii(r.OriginalRecipient.Contains(';', StringComparison.Ordinal) ? r.OriginalRecipient : "rfc822; " + r.OriginalRecipient));
            }
            group.Add("Final-Recipient", Ascii("rfc822; " + r.Address));
            group.Add("Action", r.Action);
            group.Add("Status", StatusOf(r.Reply));
            if (r.RemoteMta.Length > 0)
            {
                group.Add("Remote-MTA", Ascii("dns; " + r.RemoteMta));
            }
            group.Add("Diagnostic-Code", Ascii("smtp; " + r.Reply));
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(new DateTimeOffset(DateTime.SpecifyKind(r.LastAttemptUtc, DateTimeKind.Utc))));
            status.StatusGroups.Add(group);
        }
        return status;
    }

    private static MimePart Returned(QueuedMessage original, byte[] content)
    {
        var headersOnly = original.DsnRet == "HDRS" || content.Length > FullReturnLimit;
        if (headersOnly)
        {
            // A plain MimePart, not MimeKit's TextRfc822Headers (a MessagePart that would re-serialise the parsed headers).
            var headers = new MimePart("text", "rfc822-headers") { Content = new MimeContent(new MemoryStream(HeaderBlock(content), writable: false)) };
            headers.Headers.Remove(HeaderId.ContentDisposition);
            return headers;
        }
        // message/rfc822 with the received bytes as they are (a re-serialised copy could break the sender's DKIM check of it).
        var part = new MimePart("message", "rfc822") { Content = new MimeContent(new MemoryStream(content, writable: false)) };
        part.Headers.Remove(HeaderId.ContentDisposition);
        return part;
    }

    /// <summary>message/delivery-status fields are ASCII (RFC 3464 §2.1); a UTF-8 reply or address is escaped, and CR/LF are spaces.</summary>
    private static string Ascii(string value)
    {
        var sb = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\r' or '\n' or '\t' => " ",
                < ' ' or > '~' => $"\\x{{{(int)c:X}}}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static byte[] HeaderBlock(byte[] content)
    {
        var span = content.AsSpan();
        var end = span.IndexOf("\r\n\r\n"u8);
        return end < 0 ? content : span[..(end + 2)].ToArray();
    }
}
