using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using MailHost.Shared.Entities;

namespace MailHost.Shared.Snapshot;

/// <summary>
/// The MTA-STS policy we publish for one of our domains (RFC 8461 §3.2), and the id of its `_mta-sts` TXT record.
/// The id is derived from the policy text, so it changes exactly when the policy does (RFC 8461 §3.1: senders
/// refetch only when the id changes) and the console, the CLI and the policy host always agree on it.
/// </summary>
public sealed record PublishedMtaStsPolicy(string Domain, MtaStsPublishMode Mode, ImmutableArray<string> Mx, int MaxAgeSeconds)
{
    /// <summary>The policy for a domain, or null when its mode is None (nothing published).</summary>
    public static PublishedMtaStsPolicy? For(Domain domain, string hostname)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain.MtaStsMode == MtaStsPublishMode.None)
        {
            return null;
        }
        // The mx: lines are the names our MX records should use: the host name first, then the admin's extras.
        var mx = new[] { hostname }.Concat(SplitMx(domain.MtaStsMx))
            .Select(m => m.Trim().TrimEnd('.').ToLowerInvariant()).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal);
        return new PublishedMtaStsPolicy(domain.Name.TrimEnd('.').ToLowerInvariant(), domain.MtaStsMode, [.. mx], domain.MtaStsMaxAgeSeconds);
    }

    public static IEnumerable<string> SplitMx(string text) =>
        (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The host senders fetch the policy from (RFC 8461 §3.3).</summary>
    public string PolicyHost => "mta-sts." + Domain;

    /// <summary>The policy file: key: value lines, CRLF-terminated (RFC 8461 §3.2).</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            text.Append("version: STSv1\r\n");
            text.Append("mode: ").Append(Mode == MtaStsPublishMode.Enforce ? "enforce" : "testing").Append("\r\n");
            foreach (var m in Mx)
            {
                text.Append("mx: ").Append(m).Append("\r\n");
            }
            text.Append("max_age: ").Append(MaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
            return text.ToString();
        }
    }

    /// <summary>RFC 8461 §3.1: id is 1–32 letters and digits; 20 hex digits of the text's SHA-256.</summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..20];

    /// <summary>The `_mta-sts.&lt;domain&gt;` TXT record (RFC 8461 §3.1).</summary>
    public string TxtRecord => $"v=STSv1; id={Id}";
}
