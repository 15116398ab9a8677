namespace MailHost.Server.MailAuth.Spf;

/// <summary>Domain-name checks and sender splitting for SPF (RFC 7208 §4.1, §4.3).</summary>
internal static class SpfDomain
{
    /// <summary>A multi-label FQDN with labels of 1–63 octets and no address literal.</summary>
    public static bool IsValid(string domain)
    {
        var name = domain.EndsWith('.') ? domain[..^1] : domain;
        if (name.Length is 0 or > 253 || name.StartsWith('['))
        {
            return false;
        }
        var labels = name.Split('.');
        return labels.Length >= 2 && labels.All(l => l.Length is > 0 and <= 63);
    }

    /// <summary>Whether a name can be put in a DNS question at all (labels 1–63 octets, 253 in all).</summary>
    public static bool IsQueryable(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        return trimmed.Length is > 0 and <= 253 && trimmed.Split('.').All(l => l.Length is > 0 and <= 63);
    }

    /// <summary>RFC 7208 §4.3: a sender without a local-part is "postmaster" at the domain.</summary>
    public static (string Local, string Domain) SplitSender(string sender)
    {
        var at = sender.LastIndexOf('@');
        if (at < 0)
        {
            return ("postmaster", sender);
        }
        var local = sender[..at];
        return (local.Length == 0 ? "postmaster" : local, sender[(at + 1)..]);
    }

    public static bool IsSameOrSubdomain(string name, string domain)
    {
        name = name.TrimEnd('.');
        domain = domain.TrimEnd('.');
        return name.Equals(domain, StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }
}
