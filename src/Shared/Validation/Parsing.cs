using System.Collections.Immutable;
using System.Net;

namespace MailHost.Shared.Validation;

/// <summary>Host and domain name rules (RFC 1035 §2.3.1 with RFC 1123 digits-first labels).</summary>
public static class DomainName
{
    public static bool IsValidLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253)
        {
            return false;
        }
        return name.TrimEnd('.').Split('.').All(IsValidLabel);
    }

    public static bool IsValidPattern(string pattern) =>
        pattern.StartsWith("*.", StringComparison.Ordinal) ? IsValid(pattern[2..]) : pattern == "*" || IsValid(pattern);

    /// <summary>"example.com" matches itself; "*.example.com" matches subdomains and the domain; "*" matches all.</summary>
    public static bool Matches(string pattern, string domain)
    {
        if (pattern.Length == 0 || pattern == "*")
        {
            return true;
        }
        domain = domain.TrimEnd('.');
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = pattern[2..];
            return domain.Equals(suffix, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase);
        }
        return domain.Equals(pattern, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Plain "local@domain" addresses as stored in settings (not the SMTP path grammar).</summary>
public static class MailAddress
{
    public static bool TrySplit(string? address, out string local, out string domain)
    {
        local = domain = "";
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return false;
        }
        local = address[..at];
        domain = address[(at + 1)..];
        return !local.Any(c => char.IsWhiteSpace(c) || c is '@' or '<' or '>' or ',' or '"') && DomainName.IsValid(domain);
    }
}

/// <summary>"any", "*", "0.0.0.0", "::" or an address literal.</summary>
public static class BindAddress
{
    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.Any;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text is "any" or "*")
        {
            address = IPAddress.IPv6Any;
            return true;
        }
        return IPAddress.TryParse(text.Trim('[', ']'), out address!);
    }
}

/// <summary>The retry schedule: comma-separated minutes.</summary>
public static class RetrySchedule
{
    public static bool TryParse(string? text, out ImmutableArray<TimeSpan> schedule)
    {
        schedule = [];
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<TimeSpan>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes < 1)
            {
                return false;
            }
            list.Add(TimeSpan.FromMinutes(minutes));
        }
        schedule = [.. list];
        return list.Count > 0;
    }
}
