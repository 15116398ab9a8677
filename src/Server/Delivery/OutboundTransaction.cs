using MailKit.Net.Smtp;
using MimeKit;

namespace MailHost.Server.Delivery;

/// <summary>
/// One SMTP transaction on a connected <see cref="OutboundSmtpClient"/>: the checks MailKit does not make
/// (or makes silently), then MAIL/RCPT/DATA or BDAT, and a result per recipient.
/// </summary>
internal static class OutboundTransaction
{
    public static async Task<IReadOnlyList<RecipientOutcome>> RunAsync(
        OutboundSmtpClient client, OutboundMessage message, IReadOnlyList<string> recipients, string hostText, ConnectionFacts facts, CancellationToken cancellationToken)
    {
        IReadOnlyList<RecipientOutcome> All(DeliveryStatus status, string reply) => [.. recipients.Select(r => new RecipientOutcome(r, status, reply, facts))];
        var capabilities = client.Capabilities;
        var size = message.Content.LongLength;
        if ((capabilities & SmtpCapabilities.Size) != 0 && client.MaxSize > 0 && size > client.MaxSize)
        {
            // RFC 1870 §6.2: the message is larger than the peer ever accepts.
            return All(DeliveryStatus.Failed, $"552 5.3.4 message of {size} bytes exceeds {hostText}'s limit of {client.MaxSize}");
        }
        if (message.Has8BitContent && (capabilities & SmtpCapabilities.EightBitMime) == 0)
        {
            // RFC 6152 §3: without 8BITMIME at the next hop, 8-bit content is returned to the sender. MailKit could
            // re-encode to 7 bit, but that changes the signed bytes (DKIM), so the message is sent as spooled or not at all.
            return All(DeliveryStatus.Failed, $"554 5.6.3 {hostText} does not support 8BITMIME and the message has 8-bit content");
        }
        if (message.NeedsSmtpUtf8(recipients) && (capabilities & SmtpCapabilities.UTF8) == 0)
        {
            // RFC 6531 §3.2: UTF-8 addresses need SMTPUTF8 at the next hop.
            return All(DeliveryStatus.Failed, $"553 5.6.7 {hostText} does not support SMTPUTF8");
        }
        MimeMessage mime;
        using (var content = new MemoryStream(message.Content, writable: false))
        {
            mime = await MimeMessage.LoadAsync(content, cancellationToken);
        }
        using (mime)
        {
            client.BeginMessage(message.Envelope);
            var sender = Mailbox(message.Envelope.Sender);
            var mailboxes = recipients.Select(Mailbox).ToList();
            SmtpReply data;
            try
            {
                // FormatOptions.Default hides no header (Bcc included: the message is relayed as it came).
                var text = await client.SendAsync(FormatOptions.Default, mime, sender, mailboxes, cancellationToken);
                data = new SmtpReply(250, text.Split('\n'));
            }
            catch (SmtpCommandException ex) when (ex.ErrorCode == SmtpErrorCode.SenderNotAccepted)
            {
                var reply = Reply(ex);
                return All(reply.IsPermanent ? DeliveryStatus.Failed : DeliveryStatus.Deferred, $"{hostText} said: {reply}");
            }
            catch (SmtpCommandException ex)
            {
                // No recipient accepted (the per-recipient replies say why), or the peer refused the content.
                data = Reply(ex);
            }
            var outcomes = new List<RecipientOutcome>();
            foreach (var recipient in recipients)
            {
                var reply = client.RecipientReplies.TryGetValue(recipient, out var rcpt) && !rcpt.IsPositive ? rcpt : data;
                var status = reply.IsPositive ? DeliveryStatus.Delivered : reply.IsPermanent ? DeliveryStatus.Failed : DeliveryStatus.Deferred;
                outcomes.Add(new RecipientOutcome(recipient, status, $"{hostText} said: {reply}", facts));
            }
            return outcomes;
        }
    }

    public static SmtpReply Reply(SmtpCommandException ex) => new((int)ex.StatusCode, ex.Message.Split('\n'));

    /// <summary>The envelope address as is; the null reverse-path (RFC 5321 §4.5.5, bounces) as an empty address.</summary>
    private static MailboxAddress Mailbox(string address) => new("", address);
}
