namespace MailHost.Server.Delivery;

public enum MtaStsMode
{
    None,
    Testing,
    Enforce,
}

/// <summary>A parsed MTA-STS policy (RFC 8461 §3.2) with the TXT id it was fetched under.</summary>
public sealed record MtaStsPolicy(MtaStsMode Mode, IReadOnlyList<string> Mx, TimeSpan MaxAge, string Id)
{
    /// <summary>The policy file as fetched: kept in the persistent cache and reported as TLS-RPT's policy-string.</summary>
    public string Text { get; init; } = "";

    /// <summary>RFC 8460 §4.4 policy-string: the policy's non-empty lines.</summary>
    public IReadOnlyList<string> Lines => [.. Text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0)];

    /// <summary>"enforce", "testing" or "none", as in the policy file.</summary>
    public string ModeName => Mode.ToString().ToLowerInvariant();

    // RFC 8461 §3.2: max_age at most 31557600 s (about one year).
    private static readonly TimeSpan MaxMaxAge = TimeSpan.FromSeconds(31_557_600);

    /// <summary>RFC 8461 §3.2 "key: value" lines (CRLF or LF); null when version, mode or max_age is missing or wrong, or no mx in a non-none mode.</summary>
    public static MtaStsPolicy? Parse(string text, string id)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? version = null;
        MtaStsMode? mode = null;
        TimeSpan? maxAge = null;
        var mx = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "version":
                    version ??= value;
                    break;
                case "mode":
                    mode ??= value switch { "enforce" => MtaStsMode.Enforce, "testing" => MtaStsMode.Testing, "none" => MtaStsMode.None, _ => null };
                    break;
                case "max_age" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && value.Length <= 10:
                    maxAge ??= TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxMaxAge.TotalSeconds));
                    break;
                case "mx" when value.Length > 0:
                    mx.Add(value.TrimEnd('.').ToLowerInvariant());
                    break;
            }
        }
        if (version != "STSv1" || mode is not { } m || maxAge is not { } age || m != MtaStsMode.None && mx.Count == 0)
        {
            return null;
        }
        return new MtaStsPolicy(m, mx, age, id) { Text = text };
    }

    /// <summary>RFC 8461 §4.1: an exact name, or "*.example.com" covering exactly one more leftmost label.</summary>
    public bool MatchesMx(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host = host.TrimEnd('.').ToLowerInvariant();
        foreach (var pattern in Mx)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = host.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && host[(dot + 1)..] == pattern[2..])
                {
                    return true;
                }
            }
            else if (pattern == host)
            {
                return true;
            }
        }
        return false;
    }
}
