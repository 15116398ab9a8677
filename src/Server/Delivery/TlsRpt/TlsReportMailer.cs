using MailHost.Server.Queue;
using MimeKit;

namespace MailHost.Server.Delivery;

/// <summary>
/// Queues a TLS-RPT report for a mailto: rua (RFC 8460 §5.3) in MailHost's own spool, so it goes out like any
/// other mail: retried, logged, and DKIM-signed by the remote worker when the From domain has an active key.
/// </summary>
public sealed class TlsReportMailer(MessageSpool spool, TimeProvider time)
{
    public async Task<string> QueueAsync(MailHostSnapshot snapshot, TlsReport report, byte[] gzipped, string from, string to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(report);
        var bytes = Build(report, gzipped, from, to, time.GetUtcNow());
        var id = MessageSpool.NewId();
        var path = await spool.WriteAsync(id, bytes, cancellationToken);
        var at = to.LastIndexOf('@');
        var now = time.GetUtcNow().UtcDateTime;
        await spool.EnqueueAsync(new QueuedMessage
        {
            Id = id,
            CreatedUtc = now,
            Sender = from,
            Size = bytes.Length,
            HeloName = snapshot.Server.Hostname,
            RemoteAddress = "127.0.0.1",
            MessageIdHeader = report.ReportId,
            Recipients =
            [
                new QueuedRecipient
                {
                    Address = to,
                    IsLocal = snapshot.IsLocalDomain(at < 0 ? "" : to[(at + 1)..]),
                    State = RecipientState.Pending,
                    NextAttemptUtc = now,
                },
            ],
        }, path, cancellationToken);
        return id;
    }

    /// <summary>RFC 8460 §5.3: multipart/report; report-type="tlsrpt", a human part and the gzip report, with the two TLS-Report headers.</summary>
    public static byte[] Build(TlsReport report, byte[] gzipped, string from, string to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var message = new MimeMessage { Date = now, MessageId = report.ReportId };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Report Domain: {report.Domain} Submitter: {report.Submitter} Report-ID: <{report.ReportId}>";
        message.Headers.Add("TLS-Report-Domain", report.Domain);
        message.Headers.Add("TLS-Report-Submitter", report.Submitter);
        var text = new TextPart("plain")
        {
            Text = $"This is an aggregate TLS report (RFC 8460) from {report.Submitter} for {report.Domain}, " +
                $"{report.StartUtc:u} to {report.EndUtc:u}.\r\n",
        };
        var attachment = new MimePart("application", "tlsrpt+gzip")
        {
            Content = new MimeContent(new MemoryStream(gzipped)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = report.FileName,
        };
        var multipart = new Multipart("report") { text, attachment };
        multipart.ContentType.Parameters.Add("report-type", "tlsrpt");
        message.Body = multipart;
        using var output = new MemoryStream();
        message.WriteTo(FormatOptions.Default, output);
        return output.ToArray();
    }
}
