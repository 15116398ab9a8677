namespace MailHost.Server.MailAuth.Reports;

/// <summary>One rua= destination: a mailbox and the size limit its "!size" suffix asked for (null: none).</summary>
public sealed record DmarcReportUri(string Address, string Domain, long? MaxBytes)
{
    /// <summary>RFC 7489 §6.2 says receivers need not honour more than two destinations; neither do we.</summary>
    public const int MaxDestinations = 2;

    /// <summary>
    /// The mailto: URIs of a rua= value (RFC 9990 §2 / RFC 7489 §6.2-§6.4): comma-separated, a literal
    /// "," or "!" inside a URI is percent-encoded, "!" starts a size limit with an optional k/m/g/t unit.
    /// Other schemes and malformed URIs are skipped; at most <see cref="MaxDestinations"/> are kept.
    /// </summary>
    public static IReadOnlyList<DmarcReportUri> ParseList(string rua)
    {
        ArgumentNullException.ThrowIfNull(rua);
        var list = new List<DmarcReportUri>();
        foreach (var raw in rua.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (list.Count == MaxDestinations)
            {
                break;
            }
            if (Parse(raw) is { } uri && !list.Any(u => string.Equals(u.Address, uri.Address, StringComparison.OrdinalIgnoreCase)))
            {
                list.Add(uri);
            }
        }
        return list;
    }

    public static DmarcReportUri? Parse(string text)
    {
        if (!text.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var body = text[7..];
        long? max = null;
        var bang = body.LastIndexOf('!');
        if (bang >= 0)
        {
            max = Size(body[(bang + 1)..]);
            if (max is null)
            {
                return null;
            }
            body = body[..bang];
        }
        // A mailto: query ("?subject=…") is not part of the address.
        var query = body.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            body = body[..query];
        }
        string address;
        try
        {
            address = Uri.UnescapeDataString(body);
        }
        catch (UriFormatException)
        {
            return null;
        }
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.Length > 254 || address.Any(c => c <= ' ' || c > '~' || c is ',' or '<' or '>' or '"' or '\\'))
        {
            return null;
        }
        var domain = address[(at + 1)..].TrimEnd('.').ToLowerInvariant();
        if (domain.Split('.') is not { Length: >= 2 } labels || labels.Any(l => l.Length is 0 or > 63))
        {
            return null;
        }
        return new DmarcReportUri(address[..at] + "@" + domain, domain, max);
    }

    private static long? Size(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        var unit = char.ToLowerInvariant(text[^1]) switch
        {
            'k' => 1L << 10,
            'm' => 1L << 20,
            'g' => 1L << 30,
            't' => 1L << 40,
            _ => 1L,
        };
        var digits = unit == 1 ? text : text[..^1];
        return digits.Length is > 0 and <= 12 && digits.All(char.IsAsciiDigit) ? long.Parse(digits, CultureInfo.InvariantCulture) * unit : null;
    }
}
