namespace MailHost.Server.Policy;

/// <summary>What the ordered relay rules say about one recipient of one session.</summary>
public enum RelayVerdict
{
    /// <summary>No rule decided: the IP range and authentication decide.</summary>
    None,
    Allow,
    Deny,

    /// <summary>A RequireTls rule matched a plaintext session.</summary>
    TlsRequired,
}

/// <summary>The session facts a relay rule's conditions look at.</summary>
public sealed record RelayContext(bool Authenticated, bool Secure, int? IpRangeId, string SenderDomain, string RecipientDomain);

/// <summary>
/// Walks the relay rules in order; the first rule that matches and decides wins. A RequireTls rule
/// met by a TLS session does not decide (later rules still apply); Route rules only choose the
/// outbound path and never decide acceptance.
/// </summary>
public static class RelayRuleEvaluator
{
    public static (RelayVerdict Verdict, RelayRuleSpec? Rule) Evaluate(IEnumerable<RelayRuleSpec> rules, RelayContext context)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var rule in rules.OrderBy(r => r.Order).ThenBy(r => r.Id))
        {
            if (!Matches(rule, context))
            {
                continue;
            }
            switch (rule.Action)
            {
                case RelayAction.Allow:
                    return (RelayVerdict.Allow, rule);
                case RelayAction.Deny:
                    return (RelayVerdict.Deny, rule);
                case RelayAction.RequireTls when !context.Secure:
                    return (RelayVerdict.TlsRequired, rule);
                default:
                    continue;
            }
        }
        return (RelayVerdict.None, null);
    }

    public static bool Matches(RelayRuleSpec rule, RelayContext context)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(context);
        return (rule.WhenAuthenticated is null || rule.WhenAuthenticated == context.Authenticated)
            && (rule.IpRangeId is null || rule.IpRangeId == context.IpRangeId)
            && DomainMatches(rule.SenderDomain, context.SenderDomain)
            && DomainMatches(rule.RecipientDomain, context.RecipientDomain);
    }

    /// <summary>
    /// "" or "*" match anything; "*.example.com" matches subdomains only; otherwise exact, case-insensitive.
    /// Several patterns may be given separated by commas. A trailing dot on either side is ignored.
    /// </summary>
    public static bool DomainMatches(string pattern, string domain)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(domain);
        if (pattern.Trim().Length == 0)
        {
            return true;
        }
        var d = domain.TrimEnd('.').ToLowerInvariant();
        foreach (var raw in pattern.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var p = raw.TrimEnd('.').ToLowerInvariant();
            if (p == "*" || p == d || p.StartsWith("*.", StringComparison.Ordinal) && d.EndsWith(p[1..], StringComparison.Ordinal) && d.Length > p.Length - 1)
            {
                return true;
            }
        }
        return false;
    }
}
