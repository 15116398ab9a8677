using System.Text;
using MailHost.Server.Queue;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailHost.Server.Delivery;

/// <summary>
/// MailKit's <see cref="SmtpClient"/> as an MTA client for one queued message at a time:
/// per-recipient replies instead of an exception at the first refused RCPT, the queued DSN parameters
/// (ENVID decoded from xtext, which MailKit encodes again; RET; NOTIFY), REQUIRETLS, BDAT whenever the
/// peer offers CHUNKING, the RFC 5321 §4.5.3.2 timeouts switched per phase where MailKit gives a hook,
/// and the message sent as spooled (no re-encoding: DKIM signatures must survive).
/// </summary>
internal sealed class OutboundSmtpClient(SmtpClientTimeouts timeouts) : SmtpClient
{
    private readonly Dictionary<string, SmtpReply> _recipientReplies = new(StringComparer.OrdinalIgnoreCase);
    private QueuedMessage? _envelope;

    public IReadOnlyDictionary<string, SmtpReply> RecipientReplies => _recipientReplies;

    /// <summary>Sets the per-message envelope parameters before <c>SendAsync</c>.</summary>
    public void BeginMessage(QueuedMessage envelope)
    {
        _envelope = envelope;
        _recipientReplies.Clear();
        RequireTLS = envelope.RequireTls;
        DeliveryStatusNotificationType = envelope.DsnRet switch
        {
            "FULL" => DeliveryStatusNotificationType.Full,
            "HDRS" => DeliveryStatusNotificationType.HeadersOnly,
            _ => DeliveryStatusNotificationType.Unspecified,
        };
        // RFC 5321 §4.5.3.2.2: MAIL FROM.
        Timeout = Milliseconds(timeouts.Command);
    }

    // RFC 3030: BDAT whenever CHUNKING is offered (no dot-stuffing, no line-length games at the peer).
    protected override bool PreferSendAsBinaryData => true;

    protected override string? GetEnvelopeId(MimeMessage message) =>
        _envelope?.DsnEnvelopeId is { Length: > 0 } id ? DecodeXText(id) : null;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        var notify = _envelope?.Recipients.FirstOrDefault(r => string.Equals(r.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase))?.Notify;
        if (notify is not { Length: > 0 })
        {
            return null;
        }
        var value = default(DeliveryStatusNotification);
        foreach (var word in notify.Split(',', StringSplitOptions.TrimEntries))
        {
            value |= word.ToUpperInvariant() switch
            {
                "SUCCESS" => DeliveryStatusNotification.Success,
                "FAILURE" => DeliveryStatusNotification.Failure,
                "DELAY" => DeliveryStatusNotification.Delay,
                _ => DeliveryStatusNotification.Never,
            };
        }
        return value;
    }

    protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        // RFC 5321 §4.5.3.2.3: RCPT TO.
        Timeout = Milliseconds(timeouts.Command);

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        _recipientReplies[mailbox.Address] = Reply(response);
        // MailKit sends DATA/BDAT, the content and waits for the final reply under one I/O timeout:
        // the longest of §4.5.3.2.4-6 (DATA initiation 2 min, data block 3 min, final dot 10 min).
        Timeout = Milliseconds(Max(timeouts.DataInitiation, timeouts.DataBlock, timeouts.DataTermination));
    }

    // Record and go on: one refused recipient must not abort the transaction for the others.
    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        _recipientReplies[mailbox.Address] = Reply(response);

    /// <summary>
    /// MailKit would re-encode parts to fit the peer (8bit → quoted-printable/base64 without 8BITMIME, long
    /// lines): that changes bytes and breaks DKIM. The attempt checks the peer's extensions itself and
    /// sends the spooled bytes unchanged.
    /// </summary>
    protected override void Prepare(FormatOptions options, MimeMessage message, MimeKit.EncodingConstraint constraint, int maxLineLength)
    {
    }

    public static SmtpReply Reply(SmtpResponse response) => new((int)response.StatusCode, response.Response.Split('\n'));

    public static int Milliseconds(TimeSpan t) => (int)Math.Clamp(t.TotalMilliseconds, 1, int.MaxValue);

    private static TimeSpan Max(params TimeSpan[] values) => values.Max();

    /// <summary>RFC 3461 §4: xtext "+HH" escapes back to bytes (the queued ENVID keeps the client's encoding).</summary>
    public static string DecodeXText(string xtext)
    {
        var bytes = new List<byte>(xtext.Length);
        for (var i = 0; i < xtext.Length; i++)
        {
            if (xtext[i] == '+' && i + 2 < xtext.Length && byte.TryParse(xtext.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)xtext[i]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
