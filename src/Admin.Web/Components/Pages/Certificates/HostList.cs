using MailHost.Shared.Validation;

namespace MailHost.Admin.Web.Components.Pages.Certificates;

/// <summary>The host names an admin types for a certificate: comma, space or semicolon separated.</summary>
public static class HostList
{
    public static IReadOnlyList<string> Names(string text) =>
        [.. text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => n.TrimEnd('.').ToLowerInvariant()).Distinct()];

    /// <summary>Why the list cannot go into a certificate, or null.</summary>
    public static string? Invalid(IReadOnlyList<string> names) =>
        names.Count == 0 ? "Give at least one host name."
        : names.FirstOrDefault(n => !DomainName.IsValid(n.StartsWith("*.", StringComparison.Ordinal) ? n[2..] : n)) is { } bad ? $"'{bad}' is not a valid host name."
        : null;
}
