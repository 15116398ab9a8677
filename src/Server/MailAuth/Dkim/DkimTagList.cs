namespace MailHost.Server.MailAuth.Dkim;

/// <summary>
/// RFC 6376 §3.2 tag=value lists (DKIM-Signature fields and key records): tags separated by ";",
/// folding whitespace around names and values ignored, a repeated tag makes the list invalid.
/// </summary>
internal static class DkimTagList
{
    /// <summary>The tags, names as given (case-sensitive, §3.2), or null when the list is malformed.</summary>
    public static Dictionary<string, string>? Parse(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';'))
        {
            if (string.IsNullOrWhiteSpace(part))
            {
                // A trailing ";" is allowed (§3.2).
                continue;
            }
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }
            var name = part[..eq].Trim();
            if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || !tags.TryAdd(name, part[(eq + 1)..].Trim()))
            {
                return null;
            }
        }
        return tags;
    }

    public static string WithoutWhitespace(string value) => string.Concat(value.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>A colon-separated list (h=, s=, t=) with whitespace removed, lower-cased.</summary>
    public static IReadOnlyList<string> ColonList(string value) =>
        [.. value.Split(':').Select(v => WithoutWhitespace(v).ToLowerInvariant()).Where(v => v.Length > 0)];
}
