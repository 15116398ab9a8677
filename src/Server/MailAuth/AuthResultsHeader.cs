using System.Text;

namespace MailHost.Server.MailAuth;

/// <summary>The Authentication-Results (RFC 8601) and Received-SPF (RFC 7208 §9.1) fields for a report.</summary>
public static class AuthResultsHeader
{
    public static string Build(InboundAuthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var r = report.Request;
        var sb = new StringBuilder("Authentication-Results: ").Append(r.Hostname);
        void Add(string resinfo) => sb.Append(";\r\n\t").Append(resinfo);
        // RFC 8601 §2.7.2 / RFC 7208 §9.2: smtp.mailfrom, and smtp.helo for the HELO check.
        if (r.MailFrom.Length > 0)
        {
            Add($"spf={report.MailFrom.Keyword}{Comment(report.MailFrom.Reason)} smtp.mailfrom={Value(r.MailFrom)}");
        }
        Add($"spf={report.Helo.Keyword}{Comment(report.Helo.Reason)} smtp.helo={Value(r.Helo)}");
        if (report.Dkim.Count == 0)
        {
            Add("dkim=none");
        }
        foreach (var d in report.Dkim)
        {
            // RFC 6008: header.b (first 8 characters) tells several signatures of one domain apart.
            Add($"dkim={d.Keyword}{Comment(d.Reason + (d.Testing ? ", test mode" : ""))} header.d={Value(d.Domain)} header.s={Value(d.Selector)} header.a={Value(d.Algorithm)} header.b={Value(d.SignaturePrefix)}");
        }
        var dm = report.Dmarc;
        Add($"dmarc={dm.Keyword}{Comment(dm.PolicyDomain is null ? dm.Reason : $"p={Policy(dm.Requested)} dis={Policy(dm.Applied)}")} header.from={Value(dm.FromDomain)}");
        Add($"arc={report.Arc}");
        return sb.Append("\r\n").ToString();
    }

    /// <summary>RFC 7208 §9.1: Received-SPF: result (comment) key=value pairs.</summary>
    public static string ReceivedSpf(InboundAuthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var r = report.Request;
        var identity = r.MailFrom.Length > 0 ? "mailfrom" : "helo";
        var outcome = r.MailFrom.Length > 0 ? report.MailFrom : report.Helo;
        return $"Received-SPF: {outcome.Keyword}{Comment(outcome.Reason)}\r\n\tclient-ip={r.Client}; envelope-from=\"{Quote(r.MailFrom)}\"; helo={Value(r.Helo)};\r\n\treceiver={r.Hostname}; identity={identity};\r\n";
    }

    private static string Policy(Dmarc.DmarcPolicy p) => p.ToString().ToUpperInvariant();

    /// <summary>A comment in parentheses, made safe: printable ASCII only, no parentheses or backslashes.</summary>
    private static string Comment(string text)
    {
        var clean = new string([.. text.Where(c => c is >= ' ' and <= '~' and not '(' and not ')' and not '\\').Take(160)]);
        return clean.Length == 0 ? "" : $" ({clean})";
    }

    /// <summary>A property value: a token as is, anything else as a quoted string (RFC 8601 §2.2 pvalue).</summary>
    private static string Value(string value)
    {
        var printable = new string([.. value.Where(c => c is > ' ' and <= '~')]);
        return printable.Length > 0 && printable.All(c => char.IsAsciiLetterOrDigit(c) || "@.-_+=/!#$%&'*^`{|}~".Contains(c))
            ? printable
            : $"\"{Quote(printable)}\"";
    }

    private static string Quote(string value) => new([.. value.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\')]);
}
