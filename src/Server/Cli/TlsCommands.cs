using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost tls policy list|set`.</summary>
internal static class TlsCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        if (c.Arg(1, "'policy'") != "policy")
        {
            throw new CliUsageException("tls verbs: policy list, policy set");
        }
        switch (c.Arg(2, "verb (list|set)"))
        {
            case "list":
                await using (var db = await c.DbAsync())
                {
                    foreach (var p in await db.TlsPolicies.OrderBy(p => p.Id).ToListAsync())
                    {
                        var versions = string.Join(",", new[] { (p.Tls10, "1.0"), (p.Tls11, "1.1"), (p.Tls12, "1.2"), (p.Tls13, "1.3") }.Where(v => v.Item1).Select(v => v.Item2));
                        c.Output.WriteLine($"{p.Name}: TLS {versions}");
                        c.Output.WriteLine($"  ciphers (TLS<=1.2): {p.CipherList}");
                        c.Output.WriteLine($"  suites (TLS 1.3):   {p.Tls13Suites}");
                        foreach (var w in TlsPresets.Warnings(p))
                        {
                            c.Output.WriteLine($"  warning: {w}");
                        }
                    }
                }
                return 0;
            case "set":
                var name = c.Arg(3, "policy name");
                await c.Settings.UpdateAsync("cli", $"tls policy set {name}", (d, _) =>
                {
                    var p = d.TlsPolicies.FirstOrDefault(x => x.Name == name);
                    if (p is null)
                    {
                        p = new TlsPolicy { Name = name };
                        d.TlsPolicies.Add(p);
                    }
                    if (c.Flag("preset") is { } preset)
                    {
                        var template = TlsPresets.Names.Contains(preset) ? TlsPresets.Create(preset) : throw new CliUsageException($"unknown preset {preset}");
                        (p.Tls10, p.Tls11, p.Tls12, p.Tls13, p.CipherList, p.Tls13Suites) = (template.Tls10, template.Tls11, template.Tls12, template.Tls13, template.CipherList, template.Tls13Suites);
                    }
                    p.Tls10 = c.BoolFlag("tls10") ?? p.Tls10;
                    p.Tls11 = c.BoolFlag("tls11") ?? p.Tls11;
                    p.Tls12 = c.BoolFlag("tls12") ?? p.Tls12;
                    p.Tls13 = c.BoolFlag("tls13") ?? p.Tls13;
                    p.CipherList = c.Flag("ciphers") ?? p.CipherList;
                    p.Tls13Suites = c.Flag("tls13-suites") ?? p.Tls13Suites;
                    foreach (var w in TlsPresets.Warnings(p))
                    {
                        c.Output.WriteLine($"warning: {w}");
                    }
                }, CancellationToken.None);
                c.Output.WriteLine($"TLS policy {name} saved");
                return 0;
            default:
                throw new CliUsageException("tls verbs: policy list, policy set");
        }
    }
}
