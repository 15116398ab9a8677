using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost listener list|add|set|remove`.</summary>
internal static class ListenerCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (list|add|set|remove)"))
        {
            case "list":
                await using (var db = await c.DbAsync())
                {
                    var policies = await db.TlsPolicies.ToDictionaryAsync(p => p.Id, p => p.Name);
                    var rows = await db.Listeners.OrderBy(l => l.Id).ToListAsync();
                    TablePrinter.Print(c.Output, ["NAME", "PROTOCOL", "ADDRESS", "PORT", "TLS", "AUTH", "ENABLED", "POLICY", "MAXCONN", "IDLE", "PROXY", "PROXY-FROM"], rows.Select(l => new[]
                    {
                        l.Name, l.Protocol.ToString(), l.BindAddress, l.Port.ToString(CultureInfo.InvariantCulture), l.TlsMode.ToString(),
                        TablePrinter.YesNo(l.AuthAllowed), TablePrinter.YesNo(l.Enabled), l.TlsPolicyId is { } id ? policies.GetValueOrDefault(id, "?") : "(default)",
                        l.MaxConnections.ToString(CultureInfo.InvariantCulture), l.IdleTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
                        ProxyName(l.ProxyProtocol), l.ProxyTrustedSources.Length == 0 ? "-" : l.ProxyTrustedSources,
                    }));
                }
                return 0;
            case "add":
                {
                    var name = c.Arg(2, "listener name");
                    var protocol = ParseProtocol(c.Flag("protocol") ?? throw new CliUsageException("--protocol smtp|submission|imap|pop3 is required"));
                    await c.Settings.UpdateAsync("cli", $"listener add {name}", (d, _) =>
                    {
                        var listener = new Listener
                        {
                            Name = name,
                            Protocol = protocol,
                            IdleTimeoutSeconds = protocol == ListenerProtocol.Imap ? 1800 : 300,
                            TlsPolicyId = d.TlsPolicies.FirstOrDefault(p => p.Name == "intermediate")?.Id,
                        };
                        Apply(c, d, listener);
                        d.Listeners.Add(listener);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"listener {name} added");
                    return 0;
                }
            case "set":
                {
                    var name = c.Arg(2, "listener name");
                    await c.Settings.UpdateAsync("cli", $"listener set {name}", (d, _) =>
                        Apply(c, d, d.Listeners.FirstOrDefault(l => l.Name == name) ?? throw new CliUsageException($"no listener {name}")), CancellationToken.None);
                    c.Output.WriteLine($"listener {name} updated");
                    return 0;
                }
            case "remove":
                {
                    var name = c.Arg(2, "listener name");
                    await c.Settings.UpdateAsync("cli", $"listener remove {name}", (d, db) =>
                    {
                        var l = d.Listeners.FirstOrDefault(l => l.Name == name) ?? throw new CliUsageException($"no listener {name}");
                        d.Listeners.Remove(l);
                        db.Remove(l);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"listener {name} removed");
                    return 0;
                }
            default:
                throw new CliUsageException("listener verbs: list, add, set, remove");
        }
    }

    private static void Apply(CliContext c, Shared.Validation.SettingsData d, Listener l)
    {
        l.Port = c.IntFlag("port") ?? l.Port;
        l.BindAddress = c.Flag("address") ?? l.BindAddress;
        l.TlsMode = c.Flag("tls") is { } tls ? ParseTlsMode(tls) : l.TlsMode;
        l.Enabled = c.BoolFlag("enabled") ?? l.Enabled;
        l.AuthAllowed = c.BoolFlag("auth") ?? l.AuthAllowed;
        l.MaxConnections = c.IntFlag("max-connections") ?? l.MaxConnections;
        l.IdleTimeoutSeconds = c.IntFlag("idle-timeout") ?? l.IdleTimeoutSeconds;
        l.ProxyProtocol = c.Flag("proxy-protocol") is { } proxy ? ParseProxyMode(proxy) : l.ProxyProtocol;
        l.ProxyTrustedSources = c.Flag("proxy-from") is { } from
            ? string.Join(",", from.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : l.ProxyTrustedSources;
        if (c.Flag("policy") is { } policy)
        {
            l.TlsPolicyId = (d.TlsPolicies.FirstOrDefault(p => p.Name == policy) ?? throw new CliUsageException($"no TLS policy {policy}")).Id;
        }
    }

    public static ListenerProtocol ParseProtocol(string text) => text.ToLowerInvariant() switch
    {
        "smtp" => ListenerProtocol.Smtp,
        "submission" => ListenerProtocol.Submission,
        "imap" => ListenerProtocol.Imap,
        "pop3" => ListenerProtocol.Pop3,
        _ => throw new CliUsageException($"unknown protocol '{text}'"),
    };

    public static ProxyProtocolMode ParseProxyMode(string text) => text.ToLowerInvariant() switch
    {
        "off" or "none" => ProxyProtocolMode.Off,
        "v1" or "1" => ProxyProtocolMode.V1,
        "v2" or "2" => ProxyProtocolMode.V2,
        "any" or "either" => ProxyProtocolMode.Any,
        _ => throw new CliUsageException($"unknown PROXY protocol mode '{text}' (off, v1, v2, any)"),
    };

    public static string ProxyName(ProxyProtocolMode mode) => mode switch
    {
        ProxyProtocolMode.V1 => "v1",
        ProxyProtocolMode.V2 => "v2",
        ProxyProtocolMode.Any => "any",
        _ => "off",
    };

    public static TlsMode ParseTlsMode(string text) => text.ToLowerInvariant() switch
    {
        "none" => TlsMode.None,
        "optional" or "starttlsoptional" => TlsMode.StartTlsOptional,
        "required" or "starttlsrequired" => TlsMode.StartTlsRequired,
        "implicit" or "implicittls" => TlsMode.ImplicitTls,
        _ => throw new CliUsageException($"unknown TLS mode '{text}' (none, optional, required, implicit)"),
    };
}
