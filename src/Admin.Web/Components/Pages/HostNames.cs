namespace MailHost.Admin.Web.Components.Pages;

/// <summary>What the dashboard calls a usable host name for a mail server.</summary>
public static class HostNames
{
    /// <summary>A fully qualified, public-looking name: at least two labels, not localhost, no reserved single-word or .local/.localdomain suffix, not an IP literal.</summary>
    public static bool IsFqdn(string? host)
    {
        var h = (host ?? "").Trim().TrimEnd('.').ToLowerInvariant();
        if (h.Length == 0 || !h.Contains('.', StringComparison.Ordinal) || System.Net.IPAddress.TryParse(h, out _))
        {
            return false;
        }
        if (h == "localhost" || h.EndsWith(".localhost", StringComparison.Ordinal) || h.EndsWith(".local", StringComparison.Ordinal) || h.EndsWith(".localdomain", StringComparison.Ordinal))
        {
            return false;
        }
        return MailHost.Shared.Validation.DomainName.IsValid(h);
    }
}
