using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost iprange list|add|set|remove`.</summary>
internal static class IpRangeCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (list|add|set|remove)"))
        {
            case "list":
                await using (var db = await c.DbAsync())
                {
                    var rows = await db.IpRanges.OrderByDescending(r => r.Priority).ThenBy(r => r.Name).ToListAsync();
                    TablePrinter.Print(c.Output, ["NAME", "PRIORITY", "RANGE", "SMTP", "IMAP", "POP3", "AUTH", "TLS-FOR-AUTH", "RELAY", "LOCAL", "NEVER-BAN", "VERIFY-SENDER-AUTH", "EXPIRES"], rows.Select(r => new[]
                    {
                        r.Name, r.Priority.ToString(CultureInfo.InvariantCulture), r.UpperAddress.Length == 0 ? r.LowerAddress : $"{r.LowerAddress}-{r.UpperAddress}",
                        TablePrinter.YesNo(r.AllowSmtp), TablePrinter.YesNo(r.AllowImap), TablePrinter.YesNo(r.AllowPop3), TablePrinter.YesNo(r.AllowAuth),
                        TablePrinter.YesNo(r.RequireTlsForAuth), TablePrinter.YesNo(r.AllowRelay), TablePrinter.YesNo(r.AllowLocalDeliveryWithoutAuth),
                        TablePrinter.YesNo(r.NeverBan), TablePrinter.YesNo(r.VerifySenderAuthentication), r.ExpiresUtc?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                    }));
                }
                return 0;
            case "add":
                {
                    var name = c.Arg(2, "range name");
                    var range = c.Arg(3, "CIDR or LOWER-UPPER");
                    await c.Settings.UpdateAsync("cli", $"iprange add {name}", (d, _) =>
                    {
                        var r = new IpRange { Name = name, AllowRelay = false, RequireTlsForAuth = true };
                        SetAddresses(r, range);
                        Apply(c, r);
                        d.IpRanges.Add(r);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"IP range {name} added");
                    return 0;
                }
            case "set":
                {
                    var name = c.Arg(2, "range name");
                    await c.Settings.UpdateAsync("cli", $"iprange set {name}", (d, _) =>
                    {
                        var r = d.IpRanges.FirstOrDefault(x => x.Name == name) ?? throw new CliUsageException($"no IP range {name}");
                        if (c.Flag("range") is { } range)
                        {
                            SetAddresses(r, range);
                        }
                        Apply(c, r);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"IP range {name} updated");
                    return 0;
                }
            case "remove":
                {
                    var name = c.Arg(2, "range name");
                    await c.Settings.UpdateAsync("cli", $"iprange remove {name}", (d, db) =>
                    {
                        var r = d.IpRanges.FirstOrDefault(x => x.Name == name) ?? throw new CliUsageException($"no IP range {name}");
                        d.IpRanges.Remove(r);
                        db.Remove(r);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"IP range {name} removed");
                    return 0;
                }
            default:
                throw new CliUsageException("iprange verbs: list, add, set, remove");
        }
    }

    private static void SetAddresses(IpRange r, string range)
    {
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        (r.LowerAddress, r.UpperAddress) = dash > 0 ? (range[..dash], range[(dash + 1)..]) : (range, "");
    }

    private static void Apply(CliContext c, IpRange r)
    {
        r.Priority = c.IntFlag("priority") ?? r.Priority;
        r.AllowSmtp = c.BoolFlag("smtp") ?? r.AllowSmtp;
        r.AllowImap = c.BoolFlag("imap") ?? r.AllowImap;
        r.AllowPop3 = c.BoolFlag("pop3") ?? r.AllowPop3;
        r.AllowAuth = c.BoolFlag("auth") ?? r.AllowAuth;
        r.RequireTlsForAuth = c.BoolFlag("require-tls-auth") ?? r.RequireTlsForAuth;
        r.AllowRelay = c.BoolFlag("relay") ?? r.AllowRelay;
        r.AllowLocalDeliveryWithoutAuth = c.BoolFlag("local-delivery") ?? r.AllowLocalDeliveryWithoutAuth;
        r.NeverBan = c.BoolFlag("never-ban") ?? r.NeverBan;
        r.VerifySenderAuthentication = c.BoolFlag("verify-sender-auth") ?? r.VerifySenderAuthentication;
        if (c.Flag("expires") is { } expires)
        {
            r.ExpiresUtc = expires is "never" or "" ? null
                : DateTime.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t
                : throw new CliUsageException("--expires takes a date (UTC) or 'never'");
        }
    }
}
