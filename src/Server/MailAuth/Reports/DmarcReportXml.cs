using System.Net;
using System.Xml;
using MailHost.Server.MailAuth.Dmarc;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>Who reports and for which period: report_metadata (RFC 9990 §2.1).</summary>
public sealed record DmarcReportMetadata(string OrgName, string Email, string ReportId, DateTime BeginUtc, DateTime EndUtc);

/// <summary>
/// Writes one aggregate report as RFC 9990 XML (namespace urn:ietf:params:xml:ns:dmarc-2.0, the
/// successor of RFC 7489 appendix C): metadata, the policy as published, one record per row.
/// </summary>
public static class DmarcReportXml
{
    public const string Namespace = "urn:ietf:params:xml:ns:dmarc-2.0";
    private static readonly HashSet<string> DkimResults = ["none", "pass", "fail", "policy", "neutral", "temperror", "permerror"];
    private static readonly HashSet<string> SpfResults = ["none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"];

    public static byte[] Write(DmarcReportMetadata metadata, string policyDomain, DmarcRecord policy, IEnumerable<KeyValuePair<DmarcRowKey, int>> rows)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(rows);
        using var buffer = new MemoryStream();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true, Async = false }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("feedback", Namespace);
            w.WriteElementString("version", Namespace, "1.0");
            w.WriteStartElement("report_metadata", Namespace);
            w.WriteElementString("org_name", Namespace, metadata.OrgName);
            w.WriteElementString("email", Namespace, metadata.Email);
            w.WriteElementString("report_id", Namespace, metadata.ReportId);
            w.WriteStartElement("date_range", Namespace);
            w.WriteElementString("begin", Namespace, Unix(metadata.BeginUtc));
            w.WriteElementString("end", Namespace, Unix(metadata.EndUtc));
            w.WriteEndElement();
            w.WriteEndElement();

            w.WriteStartElement("policy_published", Namespace);
            w.WriteElementString("domain", Namespace, policyDomain);
            w.WriteElementString("discovery_method", Namespace, "treewalk");
            w.WriteElementString("adkim", Namespace, policy.StrictDkim ? "s" : "r");
            w.WriteElementString("aspf", Namespace, policy.StrictSpf ? "s" : "r");
            w.WriteElementString("p", Namespace, Name(policy.Policy));
            w.WriteElementString("sp", Namespace, Name(policy.SubdomainPolicy ?? policy.Policy));
            w.WriteElementString("testing", Namespace, policy.Testing ? "y" : "n");
            w.WriteEndElement();

            foreach (var (key, count) in rows)
            {
                WriteRecord(w, key, count);
            }
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private static void WriteRecord(XmlWriter w, DmarcRowKey key, int count)
    {
        w.WriteStartElement("record", Namespace);
        w.WriteStartElement("row", Namespace);
        w.WriteElementString("source_ip", Namespace, SourceIp(key.SourceIp));
        w.WriteElementString("count", Namespace, count.ToString(CultureInfo.InvariantCulture));
        w.WriteStartElement("policy_evaluated", Namespace);
        w.WriteElementString("disposition", Namespace, key.Disposition);
        w.WriteElementString("dkim", Namespace, key.DkimAligned ? "pass" : "fail");
        w.WriteElementString("spf", Namespace, key.SpfAligned ? "pass" : "fail");
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("identifiers", Namespace);
        if (key.EnvelopeFrom.Length > 0)
        {
            w.WriteElementString("envelope_from", Namespace, key.EnvelopeFrom);
        }
        w.WriteElementString("header_from", Namespace, key.HeaderFrom);
        w.WriteEndElement();

        // Raw results, uninterpreted by DMARC: every signature, and the MAIL FROM (or HELO) SPF check.
        w.WriteStartElement("auth_results", Namespace);
        foreach (var dkim in Shared.Entities.MailAuthDkimEntries.Parse(key.Dkim))
        {
            w.WriteStartElement("dkim", Namespace);
            w.WriteElementString("domain", Namespace, dkim.Domain);
            w.WriteElementString("selector", Namespace, dkim.Selector);
            w.WriteElementString("result", Namespace, DkimResults.Contains(dkim.Result) ? dkim.Result : "permerror");
            w.WriteEndElement();
        }
        w.WriteStartElement("spf", Namespace);
        w.WriteElementString("domain", Namespace, key.EnvelopeFrom.Length > 0 ? key.EnvelopeFrom : key.HeaderFrom);
        w.WriteElementString("scope", Namespace, "mfrom");
        w.WriteElementString("result", Namespace, SpfResults.Contains(key.Spf) ? key.Spf : "none");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static string SourceIp(string text) =>
        IPAddress.TryParse(text, out var ip) ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : text;

    private static string Name(DmarcPolicy policy) => policy.ToString().ToLowerInvariant();

    private static string Unix(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
