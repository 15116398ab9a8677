using MailHost.Shared.Validation;

namespace MailHost.Server.Dkim;

/// <summary>
/// Adding and activating DKIM keys inside a settings edit, shared by the CLI and the console so both
/// follow the same rules: one key per selector, one active key per domain.
/// </summary>
public static class DkimKeyRing
{
    /// <summary>Creates the key row (new private key) without saving it.</summary>
    public static DkimKey Create(string domain, string selector, DkimAlgorithm algorithm) => new()
    {
        Domain = domain.Trim().TrimEnd('.').ToLowerInvariant(),
        Selector = selector.Trim(),
        Algorithm = algorithm,
        PrivateKeyPem = DkimKeyMaterial.Generate(algorithm),
        CreatedUtc = DateTime.UtcNow,
    };

    /// <summary>
    /// Adds the key; returns whether it became active: only when <paramref name="activate"/> says so,
    /// also for a domain's first key. A key that signs before its TXT record is published makes
    /// receivers fail DKIM, and under DMARC p=reject that is rejected mail.
    /// </summary>
    public static bool Add(SettingsData data, DkimKey key, bool activate)
    {
        var what = $"DKIM key '{RecordName(key.Domain, key.Selector)}'";
        if (!data.Domains.Any(d => string.Equals(d.Name.TrimEnd('.'), key.Domain, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SettingsValidationException([new SettingsError(what, nameof(key.Domain), $"MailHost does not host the domain {key.Domain}: add it under Domains first")]);
        }
        if (data.DkimKeys.Any(k => k.Domain == key.Domain && k.Selector == key.Selector))
        {
            throw new SettingsValidationException([new SettingsError(what, nameof(key.Selector), "this selector exists already for the domain")]);
        }
        key.Active = activate;
        if (key.Active)
        {
            data.DkimKeys.Where(k => k.Domain == key.Domain).ToList().ForEach(k => k.Active = false);
        }
        data.DkimKeys.Add(key);
        return key.Active;
    }

    /// <summary>Makes the key the only active one of its domain.</summary>
    public static void Activate(SettingsData data, DkimKey key)
    {
        foreach (var k in data.DkimKeys.Where(k => k.Domain == key.Domain))
        {
            k.Active = ReferenceEquals(k, key);
        }
    }

    /// <summary>Where the public key is published (RFC 6376 §3.6.2.1).</summary>
    public static string RecordName(string domain, string selector) => $"{selector}._domainkey.{domain}";

    /// <summary>A zone-file line; the value split into 255-octet strings (RFC 1035 §3.3.14 character-strings).</summary>
    public static string ZoneLine(string domain, string selector, string txt)
    {
        var parts = Enumerable.Range(0, (txt.Length + 254) / 255).Select(i => $"\"{txt.Substring(i * 255, Math.Min(255, txt.Length - i * 255))}\"");
        return $"{RecordName(domain, selector)}. IN TXT ( {string.Join(" ", parts)} )";
    }
}
