using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost route add|list|remove`: relay rules whose action is a smarthost route.</summary>
internal static class RouteCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (add|list|remove)"))
        {
            case "list":
                await using (var db = await c.DbAsync())
                {
                    var rows = await db.RelayRules.OrderBy(r => r.Order).ToListAsync();
                    TablePrinter.Print(c.Output, ["ORDER", "NAME", "ACTION", "RECIPIENT", "SENDER", "SMARTHOST", "TLS", "DANE", "TEXT"], rows.Select(r => new[]
                    {
                        r.Order.ToString(CultureInfo.InvariantCulture), r.Name, r.Action.ToString(), r.RecipientDomain, r.SenderDomain,
                        r.Action == RelayAction.Route ? $"{r.SmartHost}:{r.SmartHostPort}" : "", r.OutboundTls.ToString(), r.Action == RelayAction.Route ? r.OutboundDane.ToString() : "", r.Text,
                    }));
                }
                return 0;
            case "add":
                {
                    var name = c.Arg(2, "route name");
                    var smarthost = c.Flag("smarthost") ?? throw new CliUsageException("--smarthost HOST[:PORT] is required");
                    var colon = smarthost.LastIndexOf(':');
                    var (host, port) = colon > 0 && !smarthost.EndsWith(']') ? (smarthost[..colon], int.Parse(smarthost[(colon + 1)..], CultureInfo.InvariantCulture)) : (smarthost, 25);
                    var level = (c.Flag("tls") ?? "may").ToLowerInvariant() switch
                    {
                        "none" => OutboundTlsLevel.None,
                        "may" => OutboundTlsLevel.May,
                        "encrypt" => OutboundTlsLevel.Encrypt,
                        "verify" => OutboundTlsLevel.Verify,
                        var other => throw new CliUsageException($"unknown TLS level {other}"),
                    };
                    var dane = (c.Flag("dane") ?? "opportunistic").ToLowerInvariant() switch
                    {
                        "off" => OutboundDaneLevel.Off,
                        "opportunistic" => OutboundDaneLevel.Opportunistic,
                        "required" => OutboundDaneLevel.Required,
                        var other => throw new CliUsageException($"unknown DANE level {other} (off, opportunistic, required)"),
                    };
                    await c.Settings.UpdateAsync("cli", $"route add {name}", (d, _) => d.RelayRules.Add(new RelayRule
                    {
                        Name = name,
                        Order = c.IntFlag("order") ?? (d.RelayRules.Count == 0 ? 10 : d.RelayRules.Max(r => r.Order) + 10),
                        Action = RelayAction.Route,
                        RecipientDomain = c.Flag("domain") ?? "",
                        SmartHost = host.Trim('[', ']'),
                        SmartHostPort = port,
                        SmartHostUser = c.Flag("user") ?? "",
                        SmartHostPassword = c.Flag("password") ?? "",
                        OutboundTls = level,
                        OutboundDane = dane,
                    }), CancellationToken.None);
                    c.Output.WriteLine($"route {name} added");
                    return 0;
                }
            case "remove":
                {
                    var name = c.Arg(2, "route name");
                    await c.Settings.UpdateAsync("cli", $"route remove {name}", (d, db) =>
                    {
                        var r = d.RelayRules.FirstOrDefault(x => x.Name == name) ?? throw new CliUsageException($"no route {name}");
                        d.RelayRules.Remove(r);
                        db.Remove(r);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"route {name} removed");
                    return 0;
                }
            default:
                throw new CliUsageException("route verbs: add, list, remove");
        }
    }
}
