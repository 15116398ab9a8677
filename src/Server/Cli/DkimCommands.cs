using MailHost.Server.Dkim;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost dkim generate|list|show`: keys are stored in the settings; the private key is never printed.</summary>
internal static class DkimCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (generate|list|show)"))
        {
            case "generate":
                {
                    var domain = c.Arg(2, "domain").TrimEnd('.').ToLowerInvariant();
                    var selector = c.Flag("selector") ?? $"mh{DateTime.UtcNow:yyyyMM}";
                    var algorithm = (c.Flag("algorithm") ?? "rsa2048").ToLowerInvariant() switch
                    {
                        "rsa2048" or "rsa" => DkimAlgorithm.Rsa2048,
                        "rsa4096" => DkimAlgorithm.Rsa4096,
                        "ed25519" => DkimAlgorithm.Ed25519,
                        var other => throw new CliUsageException($"unknown algorithm {other} (rsa2048, rsa4096, ed25519)"),
                    };
                    var pem = DkimKeyMaterial.Generate(algorithm);
                    var activated = false;
                    await c.Settings.UpdateAsync("cli", $"dkim generate {selector}._domainkey.{domain}", (d, _) =>
                    {
                        if (d.DkimKeys.Any(k => k.Domain == domain && k.Selector == selector))
                        {
                            throw new CliUsageException($"{selector}._domainkey.{domain} exists already");
                        }
                        // The first key of a domain signs at once; later ones wait for `--active` (publish the record first).
                        activated = c.Has("active") || !d.DkimKeys.Any(k => k.Domain == domain && k.Active);
                        if (activated)
                        {
                            d.DkimKeys.Where(k => k.Domain == domain).ToList().ForEach(k => k.Active = false);
                        }
                        d.DkimKeys.Add(new DkimKey
                        {
                            Domain = domain,
                            Selector = selector,
                            Algorithm = algorithm,
                            PrivateKeyPem = pem,
                            CreatedUtc = DateTime.UtcNow,
                            Active = activated,
                        });
                    }, CancellationToken.None);
                    c.Output.WriteLine($"DKIM key {selector}._domainkey.{domain} ({algorithm}) generated{(activated ? ", active" : ", not active")}. Publish:");
                    c.Output.WriteLine(ZoneLine(domain, selector, DkimKeyMaterial.TxtRecord(algorithm, pem)));
                    return 0;
                }
            case "list":
                await using (var db = await c.DbAsync())
                {
                    var rows = await db.DkimKeys.OrderBy(k => k.Domain).ThenBy(k => k.Selector).ToListAsync();
                    TablePrinter.Print(c.Output, ["DOMAIN", "SELECTOR", "ALGORITHM", "CREATED", "ACTIVE"], rows.Select(k => new[]
                    {
                        k.Domain, k.Selector, k.Algorithm.ToString(), k.CreatedUtc.ToString("u", CultureInfo.InvariantCulture), TablePrinter.YesNo(k.Active),
                    }));
                }
                return 0;
            case "show":
                {
                    var domain = c.Arg(2, "domain").TrimEnd('.').ToLowerInvariant();
                    var selector = c.Flag("selector");
                    await using var db = await c.DbAsync();
                    var keys = await db.DkimKeys.Where(k => k.Domain == domain && (selector == null || k.Selector == selector)).ToListAsync();
                    if (keys.Count == 0)
                    {
                        c.Error.WriteLine($"no DKIM key for {domain}{(selector is null ? "" : " selector " + selector)}");
                        return 1;
                    }
                    foreach (var k in keys.OrderByDescending(k => k.Active))
                    {
                        c.Output.WriteLine(ZoneLine(k.Domain, k.Selector, DkimKeyMaterial.TxtRecord(k.Algorithm, k.PrivateKeyPem)));
                    }
                    return 0;
                }
            default:
                throw new CliUsageException("dkim verbs: generate, list, show");
        }
    }

    /// <summary>A zone-file line; the value split into 255-octet strings (RFC 1035 §3.3.14 character-strings).</summary>
    public static string ZoneLine(string domain, string selector, string txt)
    {
        var parts = Enumerable.Range(0, (txt.Length + 254) / 255).Select(i => $"\"{txt.Substring(i * 255, Math.Min(255, txt.Length - i * 255))}\"");
        return $"{selector}._domainkey.{domain}. IN TXT ( {string.Join(" ", parts)} )";
    }
}
