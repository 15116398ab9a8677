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
                    var key = DkimKeyRing.Create(domain, selector, algorithm);
                    var activated = false;
                    await c.Settings.UpdateAsync("cli", $"dkim generate {DkimKeyRing.RecordName(key.Domain, key.Selector)}",
                        (d, _) => activated = DkimKeyRing.Add(d, key, c.Has("active")), CancellationToken.None);
                    c.Output.WriteLine($"DKIM key {DkimKeyRing.RecordName(key.Domain, key.Selector)} ({algorithm}) generated{(activated ? ", active" : ", not active")}. Publish:");
                    c.Output.WriteLine(DkimKeyRing.ZoneLine(key.Domain, key.Selector, DkimKeyMaterial.TxtRecord(algorithm, key.PrivateKeyPem)));
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
                        c.Output.WriteLine(DkimKeyRing.ZoneLine(k.Domain, k.Selector, DkimKeyMaterial.TxtRecord(k.Algorithm, k.PrivateKeyPem)));
                    }
                    return 0;
                }
            default:
                throw new CliUsageException("dkim verbs: generate, list, show");
        }
    }

}
