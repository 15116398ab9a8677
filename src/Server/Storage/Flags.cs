namespace MailHost.Server.Storage;

/// <summary>IMAP message flags (RFC 9051 §2.3.2): system flags in canonical case, keywords as given.</summary>
public static class Flags
{
    public const string Seen = @"\Seen";
    public const string Answered = @"\Answered";
    public const string Flagged = @"\Flagged";
    public const string Deleted = @"\Deleted";
    public const string Draft = @"\Draft";

    public static readonly IReadOnlyList<string> System = [Answered, Flagged, Deleted, Seen, Draft];

    /// <summary>Canonical case for system flags; null for \Recent (not storable) or an unknown backslash flag.</summary>
    public static string? Normalize(string flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        if (!flag.StartsWith('\\'))
        {
            return flag.Length == 0 ? null : flag;
        }
        return System.FirstOrDefault(f => f.Equals(flag, StringComparison.OrdinalIgnoreCase));
    }

    public static List<string> Parse(string stored) =>
        [.. stored.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    public static string Format(IEnumerable<string> flags) =>
        string.Join(' ', flags.Distinct(StringComparer.OrdinalIgnoreCase));

    public static List<string> Apply(IReadOnlyList<string> current, IReadOnlyList<string> change, FlagMode mode)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        return mode switch
        {
            FlagMode.Replace => [.. change.Distinct(StringComparer.OrdinalIgnoreCase)],
            FlagMode.Add => [.. current.Concat(change).Distinct(StringComparer.OrdinalIgnoreCase)],
            _ => [.. current.Where(f => !change.Contains(f, StringComparer.OrdinalIgnoreCase))],
        };
    }
}
