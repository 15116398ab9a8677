using MailHost.Shared.Entities;

namespace MailHost.Shared.Snapshot;

/// <summary>Mozilla's server-side TLS profiles, less anything this server never offers.</summary>
public static class TlsPresets
{
    public const string Tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

    public const string IntermediateCiphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

    // Mozilla "old" without DES-CBC3-SHA: 3DES is never offered (Sweet32), even in legacy.
    public const string LegacyCiphers = IntermediateCiphers + ":" +
        "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:" +
        "ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:" +
        "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA";

    public static readonly string[] Names = ["modern", "intermediate", "legacy"];

    public static TlsPolicy Create(string preset) => preset switch
    {
        "modern" => new TlsPolicy { Name = "modern", Tls12 = false, Tls13 = true, CipherList = "", Tls13Suites = Tls13Suites },
        "intermediate" => new TlsPolicy { Name = "intermediate", Tls12 = true, Tls13 = true, CipherList = IntermediateCiphers, Tls13Suites = Tls13Suites },
        "legacy" => new TlsPolicy { Name = "legacy", Tls10 = true, Tls11 = true, Tls12 = true, Tls13 = true, CipherList = LegacyCiphers, Tls13Suites = Tls13Suites },
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset"),
    };

    /// <summary>What a legacy choice costs, for the console and the CLI to show next to it.</summary>
    public static IEnumerable<string> Warnings(TlsPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Tls10 || policy.Tls11)
        {
            yield return "TLS 1.0/1.1 are deprecated (RFC 8996): they use SHA-1 and CBC constructions with known attacks (BEAST, Lucky13). " +
                "They also need the whole process started with a lowered OpenSSL floor (OPENSSL_CONF).";
        }
        // One grouped warning, split by what is actually wrong, instead of a line per cipher.
        var legacy = CipherCatalog.Split(policy.CipherList).Where(CipherCatalog.IsLegacy).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (legacy.Count > 0)
        {
            var parts = new List<string>();
            var noForwardSecrecy = legacy.Where(n => !CipherCatalog.HasForwardSecrecy(n)).ToList();
            if (noForwardSecrecy.Count > 0)
            {
                parts.Add($"{noForwardSecrecy.Count} without forward secrecy, so recorded traffic can be decrypted if the key leaks ({string.Join(", ", noForwardSecrecy)})");
            }
            var cbc = legacy.Where(n => !CipherCatalog.IsAead(n)).ToList();
            if (cbc.Count > 0)
            {
                parts.Add($"{cbc.Count} in CBC mode, open to padding-oracle attacks such as Lucky13 ({string.Join(", ", cbc)})");
            }
            yield return $"{legacy.Count} legacy {(legacy.Count == 1 ? "cipher" : "ciphers")} for old clients: {string.Join("; ", parts)}.";
        }
    }
}
