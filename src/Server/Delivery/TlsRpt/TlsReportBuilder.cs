using System.IO.Compression;
using System.Text.Json;

namespace MailHost.Server.Delivery;

/// <summary>One report for one policy domain and period, ready to send (RFC 8460 §4 JSON, gzip-compressed per §5.1).</summary>
public sealed record TlsReport(string Domain, string ReportId, DateTime StartUtc, DateTime EndUtc, string Submitter, byte[] Json)
{
    /// <summary>RFC 8460 §5.3: sender "!" policy-domain "!" begin "!" end "!" unique-id ".json.gz" (timestamps in Unix seconds).</summary>
    public string FileName =>
        $"{Submitter}!{Domain}!{new DateTimeOffset(StartUtc).ToUnixTimeSeconds()}!{new DateTimeOffset(EndUtc).ToUnixTimeSeconds()}!{ReportId.Split('@')[0]}.json.gz";

    public byte[] Gzipped()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Json);
        }
        return output.ToArray();
    }
}

/// <summary>Builds the RFC 8460 §4.4 JSON from the period's <see cref="TlsReportCounter"/> rows of one policy domain.</summary>
public static class TlsReportBuilder
{
    public static TlsReport Build(string domain, DateTime startUtc, DateTime endUtc, IReadOnlyList<TlsReportCounter> rows, string organization, string contact, string submitter)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var reportId = $"{startUtc:yyyyMMdd'T'HHmmss'Z'}.{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..12]}@{submitter}";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("organization-name", organization);
            json.WriteStartObject("date-range");
            // RFC 3339 date-time; the end is the last second of the period (RFC 8460 §4.4 examples end at 23:59:59Z).
            json.WriteString("start-datetime", startUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("end-datetime", endUtc.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteString("contact-info", contact);
            json.WriteString("report-id", reportId);
            json.WriteStartArray("policies");
            foreach (var policy in rows.GroupBy(r => r.PolicyHash).OrderBy(g => g.First().PolicyType, StringComparer.Ordinal))
            {
                WritePolicy(json, domain, [.. policy]);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return new TlsReport(domain, reportId, startUtc, endUtc, submitter, buffer.ToArray());
    }

    private static void WritePolicy(Utf8JsonWriter json, string domain, List<TlsReportCounter> rows)
    {
        var first = rows[0];
        json.WriteStartObject();
        json.WriteStartObject("policy");
        json.WriteString("policy-type", first.PolicyType);
        if (first.PolicyStrings.Length > 0)
        {
            json.WriteStartArray("policy-string");
            foreach (var line in first.PolicyStrings.Split('\n'))
            {
                json.WriteStringValue(line);
            }
            json.WriteEndArray();
        }
        json.WriteString("policy-domain", domain);
        if (first.PolicyMxHosts.Length > 0)
        {
            json.WriteStartArray("mx-host");
            foreach (var mx in first.PolicyMxHosts.Split('\n'))
            {
                json.WriteStringValue(mx);
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        var failures = rows.Where(r => r.ResultType != TlsReportResults.Success).ToList();
        json.WriteStartObject("summary");
        json.WriteNumber("total-successful-session-count", rows.Where(r => r.ResultType == TlsReportResults.Success).Sum(r => r.Count));
        json.WriteNumber("total-failure-session-count", failures.Sum(r => r.Count));
        json.WriteEndObject();
        if (failures.Count > 0)
        {
            json.WriteStartArray("failure-details");
            foreach (var f in failures.OrderByDescending(f => f.Count))
            {
                json.WriteStartObject();
                json.WriteString("result-type", f.ResultType);
                WriteIfAny(json, "sending-mta-ip", f.SendingIp);
                WriteIfAny(json, "receiving-mx-hostname", f.ReceivingMxHost);
                WriteIfAny(json, "receiving-ip", f.ReceivingIp);
                json.WriteNumber("failed-session-count", f.Count);
                WriteIfAny(json, "failure-reason-code", f.FailureReason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static void WriteIfAny(Utf8JsonWriter json, string name, string value)
    {
        if (value.Length > 0)
        {
            json.WriteString(name, value);
        }
    }
}
