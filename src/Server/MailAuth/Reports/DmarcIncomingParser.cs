using System.Xml;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>One aggregate report as read: its metadata and rows (not yet stored).</summary>
public sealed record DmarcIncomingReport(string OrgName, string Email, string ReportId, string PolicyDomain, DateTime BeginUtc, DateTime EndUtc, IReadOnlyList<DmarcReceivedRecord> Records);

/// <summary>
/// Reads aggregate-report XML (RFC 9990 and RFC 7489 appendix C alike: element names, namespaces ignored)
/// as a stream: no DTD (a DOCTYPE is refused, so no entity expansion or XXE), no resolver, a depth limit,
/// a character cap, at most <see cref="MaxRecords"/> records, every value cut to 255 characters.
/// </summary>
public static class DmarcIncomingParser
{
    public const int MaxDepth = 12;
    public const int MaxRecords = 20_000;

    public static DmarcIncomingReport Parse(Stream xml, long maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(xml, settings);
        var path = new List<string>();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        var records = new List<DmarcReceivedRecord>();
        DmarcReceivedRecord? current = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth >= MaxDepth)
                    {
                        throw new InvalidDataException($"XML nested deeper than {MaxDepth}");
                    }
                    if (path.Count == 0 && reader.LocalName != "feedback")
                    {
                        throw new InvalidDataException($"not a DMARC aggregate report (root element {reader.LocalName})");
                    }
                    if (!reader.IsEmptyElement)
                    {
                        path.Add(reader.LocalName);
                        if (path.Count == 2 && reader.LocalName == "record")
                        {
                            current = records.Count < MaxRecords ? new DmarcReceivedRecord() : throw new InvalidDataException($"more than {MaxRecords} records");
                        }
                    }
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                    Value(string.Join('/', path.Skip(1)), Cut(reader.Value.Trim()), meta, current);
                    break;
                case XmlNodeType.EndElement:
                    if (path.Count == 2 && path[1] == "record" && current is not null)
                    {
                        records.Add(current);
                        current = null;
                    }
                    path.RemoveAt(path.Count - 1);
                    break;
            }
        }
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : "";
        var report = new DmarcIncomingReport(Get("report_metadata/org_name"), Get("report_metadata/email"), Get("report_metadata/report_id"),
            Get("policy_published/domain").ToLowerInvariant(), Unix(Get("report_metadata/date_range/begin")), Unix(Get("report_metadata/date_range/end")), records);
        return report.ReportId.Length == 0 || report.PolicyDomain.Length == 0
            ? throw new InvalidDataException("report_id or policy_published/domain missing")
            : report;
    }

    private static void Value(string key, string value, Dictionary<string, string> meta, DmarcReceivedRecord? record)
    {
        if (record is null)
        {
            meta.TryAdd(key, value);
            return;
        }
        switch (key)
        {
            case "record/row/source_ip":
                record.SourceIp = value;
                break;
            case "record/row/count":
                record.Count = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
                break;
            case "record/row/policy_evaluated/disposition":
                record.Disposition = value.ToLowerInvariant();
                break;
            case "record/row/policy_evaluated/dkim":
                record.Dkim = value.ToLowerInvariant();
                break;
            case "record/row/policy_evaluated/spf":
                record.Spf = value.ToLowerInvariant();
                break;
            case "record/identifiers/header_from":
                record.HeaderFrom = value.ToLowerInvariant();
                break;
        }
    }

    private static string Cut(string value) => value.Length <= 255 ? value : value[..255];

    private static DateTime Unix(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 0 and < 32_503_680_000
            ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime
            : DateTime.UnixEpoch;
}
