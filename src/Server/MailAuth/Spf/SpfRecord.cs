using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace MailHost.Server.MailAuth.Spf;

internal enum SpfMechanismKind
{
    All,
    Include,
    A,
    Mx,
    Ptr,
    Ip4,
    Ip6,
    Exists,
}

/// <summary>One directive: qualifier, mechanism, its domain-spec (or null for the current domain), network and CIDR lengths.</summary>
internal sealed record SpfDirective(SpfResult Qualifier, SpfMechanismKind Kind, string? DomainSpec, IPAddress? Network, int Cidr4, int Cidr6, string Text);

/// <summary>A parsed "v=spf1" record (RFC 7208 §4.6, §12 ABNF): directives in order, redirect and exp modifiers.</summary>
internal sealed partial record SpfRecord(IReadOnlyList<SpfDirective> Directives, string? Redirect, string? Exp)
{
    /// <summary>RFC 7208 §4.5: "v=spf1" followed by a space or the end of the record, case-insensitive.</summary>
    public static bool IsSpfRecord(string text) =>
        text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');

    /// <summary>Parses the whole record; any syntax error anywhere is a permerror (RFC 7208 §4.6).</summary>
    public static SpfRecord Parse(string text)
    {
        // RFC 7208 §3.1: records are 7-bit ASCII.
        if (text.Any(c => c > 0x7e || c < 0x20 && c != '\t'))
        {
            throw Perm("the record is not 7-bit ASCII");
        }
        var directives = new List<SpfDirective>();
        string? redirect = null;
        string? exp = null;
        foreach (var term in text[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ModifierName().Match(term) is { Success: true } modifier)
            {
                var name = modifier.Groups[1].Value;
                var value = term[(name.Length + 1)..];
                if (name.Equals("redirect", StringComparison.OrdinalIgnoreCase))
                {
                    // RFC 7208 §6: each of redirect and exp at most once.
                    redirect = redirect is null && SpfMacro.IsValidDomainSpec(value) ? value : throw Perm($"bad or repeated \"{term}\"");
                }
                else if (name.Equals("exp", StringComparison.OrdinalIgnoreCase))
                {
                    exp = exp is null && SpfMacro.IsValidDomainSpec(value) ? value : throw Perm($"bad or repeated \"{term}\"");
                }
                else if (!SpfMacro.IsValid(value, explain: false))
                {
                    // Unknown modifiers are ignored (§6), but their value must still be a macro-string.
                    throw Perm($"bad modifier \"{term}\"");
                }
                continue;
            }
            directives.Add(ParseDirective(term));
        }
        return new SpfRecord(directives, redirect, exp);
    }

    private static SpfDirective ParseDirective(string term)
    {
        var qualifier = term[0] switch
        {
            '+' => SpfResult.Pass,
            '-' => SpfResult.Fail,
            '~' => SpfResult.SoftFail,
            '?' => SpfResult.Neutral,
            _ => (SpfResult?)null,
        };
        var body = qualifier is null ? term : term[1..];
        var split = body.IndexOfAny([':', '/']);
        var name = (split < 0 ? body : body[..split]).ToLowerInvariant();
        var rest = split < 0 ? "" : body[split..];
        var q = qualifier ?? SpfResult.Pass;
        switch (name)
        {
            case "all" when rest.Length == 0:
                return new SpfDirective(q, SpfMechanismKind.All, null, null, 32, 128, term);
            case "include" or "exists" when rest.StartsWith(':') && SpfMacro.IsValidDomainSpec(rest[1..]):
                return new SpfDirective(q, name == "include" ? SpfMechanismKind.Include : SpfMechanismKind.Exists, rest[1..], null, 32, 128, term);
            case "ptr" when rest.Length == 0:
                return new SpfDirective(q, SpfMechanismKind.Ptr, null, null, 32, 128, term);
            case "ptr" when rest.StartsWith(':') && SpfMacro.IsValidDomainSpec(rest[1..]):
                return new SpfDirective(q, SpfMechanismKind.Ptr, rest[1..], null, 32, 128, term);
            case "a" or "mx":
                return ParseAOrMx(q, name == "a" ? SpfMechanismKind.A : SpfMechanismKind.Mx, rest, term);
            case "ip4" when rest.StartsWith(':'):
                return ParseIp(q, SpfMechanismKind.Ip4, rest[1..], term);
            case "ip6" when rest.StartsWith(':'):
                return ParseIp(q, SpfMechanismKind.Ip6, rest[1..], term);
            default:
                throw Perm($"unknown or malformed mechanism \"{term}\"");
        }
    }

    private static SpfDirective ParseAOrMx(SpfResult q, SpfMechanismKind kind, string rest, string term)
    {
        var m = DualCidr().Match(rest);
        var domain = m.Groups["domain"].Value;
        if (!m.Success || domain.Length > 0 && (!domain.StartsWith(':') || !SpfMacro.IsValidDomainSpec(domain[1..])))
        {
            throw Perm($"malformed mechanism \"{term}\"");
        }
        var cidr4 = m.Groups["v4"].Success ? CidrLength(m.Groups["v4"].Value, 32, term) : 32;
        var cidr6 = m.Groups["v6"].Success ? CidrLength(m.Groups["v6"].Value, 128, term) : 128;
        return new SpfDirective(q, kind, domain.Length > 0 ? domain[1..] : null, null, cidr4, cidr6, term);
    }

    private static SpfDirective ParseIp(SpfResult q, SpfMechanismKind kind, string value, string term)
    {
        var slash = value.IndexOf('/');
        var address = slash < 0 ? value : value[..slash];
        var max = kind == SpfMechanismKind.Ip4 ? 32 : 128;
        var length = slash < 0 ? max : CidrLength(value[(slash + 1)..], max, term);
        var valid = kind == SpfMechanismKind.Ip4
            ? DottedQuad().IsMatch(address)
            : address.Contains(':') && IPAddress.TryParse(address, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !address.Contains('%');
        if (!valid)
        {
            throw Perm($"bad address in \"{term}\"");
        }
        var network = IPAddress.Parse(address);
        return new SpfDirective(q, kind, null, network, kind == SpfMechanismKind.Ip4 ? length : 32, kind == SpfMechanismKind.Ip6 ? length : 128, term);
    }

    /// <summary>ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT); ip6 up to 3 digits; no leading zeros.</summary>
    private static int CidrLength(string digits, int max, string term)
    {
        if (digits.Length is 0 or > 3 || !digits.All(char.IsAsciiDigit) || digits.Length > 1 && digits[0] == '0'
            || int.Parse(digits, CultureInfo.InvariantCulture) is var n && n > max)
        {
            throw Perm($"bad CIDR length in \"{term}\"");
        }
        return n;
    }

    private static SpfAbortException Perm(string reason) => new(SpfResult.PermError, reason);

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9_.\-]*)=")]
    private static partial Regex ModifierName();

    [GeneratedRegex(@"^(?<domain>.*?)(?:/(?<v4>[0-9]+))?(?://(?<v6>[0-9]+))?$", RegexOptions.Singleline)]
    private static partial Regex DualCidr();

    [GeneratedRegex(@"^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")]
    private static partial Regex DottedQuad();
}
