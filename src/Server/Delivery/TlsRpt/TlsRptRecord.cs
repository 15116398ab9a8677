namespace MailHost.Server.Delivery;

/// <summary>The `_smtp._tls` TXT record of a policy domain (RFC 8460 §3): where its reports go.</summary>
public static class TlsRptRecord
{
    /// <summary>
    /// The rua URIs (mailto: and https: only) of the one record starting with "v=TLSRPTv1"; none when there are
    /// zero or several such records (§3: "If multiple TXT records ... are returned, ... no report is sent").
    /// </summary>
    public static IReadOnlyList<Uri> Parse(IEnumerable<string> txt)
    {
        var records = txt.Where(t => t.StartsWith("v=TLSRPTv1", StringComparison.Ordinal)).ToList();
        if (records.Count != 1)
        {
            return [];
        }
        var rua = records[0].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).FirstOrDefault(kv => kv.Length == 2 && kv[0].Trim() == "rua")?[1] ?? "";
        var list = new List<Uri>();
        foreach (var value in rua.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(10))
        {
            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeMailto && uri.UserInfo.Length > 0 || uri.Scheme == Uri.UriSchemeHttps))
            {
                list.Add(uri);
            }
        }
        return list;
    }

    /// <summary>The address of a mailto: URI (its query, if any, ignored).</summary>
    public static string Address(Uri mailto)
    {
        ArgumentNullException.ThrowIfNull(mailto);
        return Uri.UnescapeDataString($"{mailto.UserInfo}@{mailto.Host}");
    }
}
