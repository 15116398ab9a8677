using System.Collections.Frozen;
using System.Net.Security;

namespace MailHost.Shared.Snapshot;

/// <summary>
/// OpenSSL cipher names this server accepts in a TLS policy, mapped to the IANA suites that
/// <see cref="CipherSuitesPolicy"/> takes. Anything weak (NULL, anonymous, EXPORT, RC4, DES, 3DES, MD5)
/// is deliberately absent, so no policy can enable it.
/// </summary>
public static class CipherCatalog
{
    public static readonly FrozenDictionary<string, TlsCipherSuite> Tls12 = new Dictionary<string, TlsCipherSuite>(StringComparer.OrdinalIgnoreCase)
    {
        ["ECDHE-ECDSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-ECDSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["DHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        ["DHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        ["DHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-ECDSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-ECDSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-RSA-AES128-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        ["ECDHE-ECDSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-RSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-ECDSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
        ["ECDHE-RSA-AES256-SHA"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        ["DHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256,
        ["DHE-RSA-AES256-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
        ["AES128-GCM-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
        ["AES256-GCM-SHA384"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
        ["AES128-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA256,
        ["AES256-SHA256"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256,
        ["AES128-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        ["AES256-SHA"] = TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenDictionary<string, TlsCipherSuite> Tls13 = new Dictionary<string, TlsCipherSuite>(StringComparer.OrdinalIgnoreCase)
    {
        ["TLS_AES_128_GCM_SHA256"] = TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        ["TLS_AES_256_GCM_SHA384"] = TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        ["TLS_CHACHA20_POLY1305_SHA256"] = TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Suites without forward secrecy or with CBC/SHA-1: allowed only in a legacy policy, and the console says so.</summary>
    public static bool IsLegacy(string name) => !HasForwardSecrecy(name) || !IsAead(name);

    /// <summary>ECDHE or DHE key exchange; plain RSA key exchange lets a leaked key decrypt recorded traffic.</summary>
    public static bool HasForwardSecrecy(string name) =>
        name.StartsWith("ECDHE-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("DHE-", StringComparison.OrdinalIgnoreCase);

    /// <summary>GCM or ChaCha20-Poly1305; the rest is CBC with a separate MAC (padding oracles).</summary>
    public static bool IsAead(string name) =>
        name.Contains("GCM", StringComparison.OrdinalIgnoreCase) || name.Contains("CHACHA20", StringComparison.OrdinalIgnoreCase);

    private static readonly string[] WeakMarkers = ["NULL", "ANON", "ADH", "AECDH", "EXP", "RC4", "DES", "MD5", "PSK", "SRP", "IDEA", "SEED", "CAMELLIA"];

    /// <summary>Why a name is refused: a weak family, or not a suite this server knows.</summary>
    public static string? Refusal(string name, bool tls13)
    {
        if (tls13 ? Tls13.ContainsKey(name) : Tls12.ContainsKey(name))
        {
            return null;
        }
        var weak = WeakMarkers.FirstOrDefault(m => name.Contains(m, StringComparison.OrdinalIgnoreCase));
        return weak is not null
            ? $"cipher '{name}' is weak ({weak}) and is never offered"
            : $"cipher '{name}' is not a known {(tls13 ? "TLS 1.3 suite" : "OpenSSL cipher name")}";
    }

    public static IEnumerable<string> Split(string list) =>
        list.Split([':', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
