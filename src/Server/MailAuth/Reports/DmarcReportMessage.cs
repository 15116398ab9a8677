using System.IO.Compression;
using MimeKit;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// The mail that carries one report (RFC 9990 §5 / RFC 7489 §7.2.1.1): the XML gzipped as an
/// application/gzip attachment named receiver!policy-domain!begin!end!id.xml.gz, a Subject that
/// names the domain, the submitter and the report id, a short text part for humans.
/// </summary>
public static class DmarcReportMessage
{
    public static byte[] Gzip(byte[] xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(xml);
        }
        return buffer.ToArray();
    }

    public static string FileName(string submitter, string policyDomain, DmarcReportMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var begin = new DateTimeOffset(metadata.BeginUtc, TimeSpan.Zero).ToUnixTimeSeconds();
        var end = new DateTimeOffset(metadata.EndUtc, TimeSpan.Zero).ToUnixTimeSeconds();
        return FormattableString.Invariant($"{submitter}!{policyDomain}!{begin}!{end}!{metadata.ReportId}.xml.gz");
    }

    public static byte[] Build(string from, string to, string submitter, string policyDomain, DmarcReportMetadata metadata, byte[] gzipped, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(submitter, from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Report Domain: {policyDomain} Submitter: {submitter} Report-ID: <{metadata.ReportId}>";
        message.Date = now;
        message.MessageId = $"{metadata.ReportId}@{submitter}";
        var text = new TextPart("plain")
        {
            Text = $"DMARC aggregate report for {policyDomain} from {submitter}, {metadata.BeginUtc:yyyy-MM-dd HH:mm} to {metadata.EndUtc:yyyy-MM-dd HH:mm} UTC.\r\n" +
                $"Sent because the DMARC record of {policyDomain} names this address in rua=. Contact: {metadata.Email}.\r\n",
        };
        var attachment = new MimePart("application", "gzip")
        {
            Content = new MimeContent(new MemoryStream(gzipped, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = FileName(submitter, policyDomain, metadata),
        };
        message.Body = new Multipart("mixed") { text, attachment };
        using var output = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, output);
        return output.ToArray();
    }
}
