using System.IO.Compression;
using MimeKit;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>
/// Finds the report in a message (RFC 9990 §5: gzip, zip or plain XML, as an attachment or the body)
/// and hands its XML to the parser through a bounded stream: an absolute cap and a decompression
/// ratio cap, so a zip or gzip bomb stops after a few MB instead of filling memory.
/// </summary>
public static class DmarcReportAttachments
{
    /// <summary>At most this many bytes of XML per compressed byte (real reports stay far below).</summary>
    public const int MaxRatio = 200;
    private const int MaxParts = 20;

    public static DmarcIncomingReport Read(MimeMessage message, long maxXmlBytes)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var part in message.BodyParts.OfType<MimePart>().Take(MaxParts))
        {
            var kind = Kind(part);
            if (kind is null || part.Content is null)
            {
                continue;
            }
            using var decoded = new MemoryStream();
            part.Content.DecodeTo(decoded);
            decoded.Position = 0;
            var limit = Math.Min(maxXmlBytes, Math.Max(64 * 1024, decoded.Length * MaxRatio));
            return kind switch
            {
                "gzip" => Parse(new GZipStream(decoded, CompressionMode.Decompress, leaveOpen: true), limit),
                "zip" => FromZip(decoded, limit),
                _ => Parse(decoded, limit),
            };
        }
        throw new InvalidDataException("no gzip, zip or XML part");
    }

    private static DmarcIncomingReport FromZip(Stream decoded, long limit)
    {
        using var zip = new ZipArchive(decoded, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Count is 0 or > 4)
        {
            throw new InvalidDataException($"zip with {zip.Entries.Count} entries");
        }
        var entry = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)) ?? throw new InvalidDataException("no .xml in the zip");
        // The declared size is checked first, the real one by the bounded stream (a header can lie).
        if (entry.Length > limit)
        {
            throw new InvalidDataException($"zip entry declares {entry.Length} bytes, over {limit}");
        }
        return Parse(entry.Open(), limit);
    }

    private static DmarcIncomingReport Parse(Stream xml, long limit)
    {
        using var bounded = new BoundedReadStream(xml, limit);
        return DmarcIncomingParser.Parse(bounded, limit);
    }

    private static string? Kind(MimePart part)
    {
        var type = part.ContentType.MimeType.ToLowerInvariant();
        var name = (part.FileName ?? "").ToLowerInvariant();
        if (type is "application/gzip" or "application/x-gzip" || name.EndsWith(".gz", StringComparison.Ordinal))
        {
            return "gzip";
        }
        if (type is "application/zip" or "application/x-zip-compressed" or "application/x-zip" || name.EndsWith(".zip", StringComparison.Ordinal))
        {
            return "zip";
        }
        return type is "text/xml" or "application/xml" || name.EndsWith(".xml", StringComparison.Ordinal) ? "xml" : null;
    }
}
