using MailHost.Server.Auth;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost domain|account|alias …`.</summary>
internal static class MailboxCommands
{
    public static async Task<int> DomainAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (add|set|list|remove)"))
        {
            case "add":
                var name = c.Arg(2, "domain name").ToLowerInvariant();
                await c.Settings.UpdateAsync("cli", $"domain add {name}", (d, _) => d.Domains.Add(new Domain { Name = name }), CancellationToken.None);
                c.Output.WriteLine($"domain {name} added");
                return 0;
            case "set":
                var set = c.Arg(2, "domain name").ToLowerInvariant();
                await c.Settings.UpdateAsync("cli", $"domain set {set}", (d, _) =>
                {
                    var domain = d.Domains.FirstOrDefault(x => x.Name == set) ?? throw new CliUsageException($"no domain {set}");
                    ApplyMtaSts(c, domain);
                }, CancellationToken.None);
                c.Output.WriteLine($"domain {set} updated");
                return 0;
            case "remove":
                var remove = c.Arg(2, "domain name").ToLowerInvariant();
                await c.Settings.UpdateAsync("cli", $"domain remove {remove}", (d, db) =>
                {
                    var domain = d.Domains.FirstOrDefault(x => x.Name == remove) ?? throw new CliUsageException($"no domain {remove}");
                    d.Domains.Remove(domain);
                    db.Remove(domain);
                }, CancellationToken.None);
                c.Output.WriteLine($"domain {remove} removed");
                return 0;
            case "list":
                await using (var db = await c.DbAsync())
                {
                    foreach (var d in await db.Domains.OrderBy(x => x.Name).ToListAsync())
                    {
                        c.Output.WriteLine(d.MtaStsMode == MtaStsPublishMode.None ? d.Name : $"{d.Name}  mta-sts {d.MtaStsMode.ToString().ToLowerInvariant()} max_age {d.MtaStsMaxAgeSeconds}");
                    }
                }
                return 0;
            default:
                throw new CliUsageException("domain verbs: add, list, set, remove");
        }
    }

    private static void ApplyMtaSts(CliContext c, Domain domain)
    {
        if (c.Flag("mta-sts") is { } mode)
        {
            domain.MtaStsMode = mode.ToLowerInvariant() switch
            {
                "none" => MtaStsPublishMode.None,
                "testing" => MtaStsPublishMode.Testing,
                "enforce" => MtaStsPublishMode.Enforce,
                _ => throw new CliUsageException("--mta-sts: none, testing or enforce"),
            };
        }
        if (c.Has("mta-sts-max-age"))
        {
            domain.MtaStsMaxAgeSeconds = c.IntFlag("mta-sts-max-age") ?? throw new CliUsageException("--mta-sts-max-age: seconds");
        }
        if (c.Flag("mta-sts-mx") is { } mx)
        {
            domain.MtaStsMx = string.Join(",", Shared.Snapshot.PublishedMtaStsPolicy.SplitMx(mx).Select(m => m.ToLowerInvariant()));
        }
    }

    public static async Task<int> AccountAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (add|set|list|passwd|remove)"))
        {
            case "add":
                {
                    var address = c.Arg(2, "address").ToLowerInvariant();
                    var hash = PasswordHasher.Hash(await ReadPasswordAsync(c));
                    await c.Settings.UpdateAsync("cli", $"account add {address}", (d, _) =>
                    {
                        var account = new Account { Address = address, PasswordHash = hash };
                        ApplyAccountFlags(c, account);
                        d.Accounts.Add(account);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"account {address} added");
                    return 0;
                }
            case "passwd":
                {
                    var address = c.Arg(2, "address").ToLowerInvariant();
                    var hash = PasswordHasher.Hash(await ReadPasswordAsync(c));
                    await c.Settings.UpdateAsync("cli", $"account passwd {address}", (d, _) => Find(d.Accounts, address).PasswordHash = hash, CancellationToken.None);
                    c.Output.WriteLine($"password of {address} changed");
                    return 0;
                }
            case "set":
                {
                    var address = c.Arg(2, "address").ToLowerInvariant();
                    await c.Settings.UpdateAsync("cli", $"account set {address}", (d, _) => ApplyAccountFlags(c, Find(d.Accounts, address)), CancellationToken.None);
                    c.Output.WriteLine($"account {address} updated");
                    return 0;
                }
            case "remove":
                {
                    var address = c.Arg(2, "address").ToLowerInvariant();
                    await c.Settings.UpdateAsync("cli", $"account remove {address}", (d, db) =>
                    {
                        var account = Find(d.Accounts, address);
                        d.Accounts.Remove(account);
                        db.Remove(account);
                    }, CancellationToken.None);
                    c.Output.WriteLine($"account {address} removed");
                    return 0;
                }
            case "list":
                await using (var db = await c.DbAsync())
                {
                    var rows = await db.Accounts.OrderBy(a => a.Address).ToListAsync();
                    TablePrinter.Print(c.Output, ["ADDRESS", "ENABLED", "QUOTA", "SMTP", "IMAP", "POP3"], rows.Select(a => new[]
                    {
                        a.Address, TablePrinter.YesNo(a.Enabled), a.QuotaBytes == 0 ? "unlimited" : MailHost.Admin.Web.Backend.SizeText.Megabytes(a.QuotaBytes),
                        TablePrinter.YesNo(a.AllowSmtp), TablePrinter.YesNo(a.AllowImap), TablePrinter.YesNo(a.AllowPop3),
                    }));
                }
                return 0;
            default:
                throw new CliUsageException("account verbs: add, list, passwd, set, remove");
        }
    }

    public static async Task<int> AliasAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (add|list|remove)"))
        {
            case "add":
                var address = c.Arg(2, "alias address").ToLowerInvariant();
                var targets = c.Arg(3, "target addresses").ToLowerInvariant();
                await c.Settings.UpdateAsync("cli", $"alias add {address}", (d, _) => d.Aliases.Add(new Alias { Address = address, Targets = targets }), CancellationToken.None);
                c.Output.WriteLine($"alias {address} -> {targets} added");
                return 0;
            case "remove":
                var remove = c.Arg(2, "alias address").ToLowerInvariant();
                await c.Settings.UpdateAsync("cli", $"alias remove {remove}", (d, db) =>
                {
                    var alias = d.Aliases.FirstOrDefault(a => a.Address == remove) ?? throw new CliUsageException($"no alias {remove}");
                    d.Aliases.Remove(alias);
                    db.Remove(alias);
                }, CancellationToken.None);
                c.Output.WriteLine($"alias {remove} removed");
                return 0;
            case "list":
                await using (var db = await c.DbAsync())
                {
                    TablePrinter.Print(c.Output, ["ALIAS", "TARGETS"], (await db.Aliases.OrderBy(a => a.Address).ToListAsync()).Select(a => new[] { a.Address, a.Targets }));
                }
                return 0;
            default:
                throw new CliUsageException("alias verbs: add, list, remove");
        }
    }

    private static Account Find(List<Account> accounts, string address) =>
        accounts.FirstOrDefault(a => a.Address == address) ?? throw new CliUsageException($"no account {address}");

    private static void ApplyAccountFlags(CliContext c, Account account)
    {
        account.QuotaBytes = c.Flag("quota") is { } q ? MailHost.Admin.Web.Backend.SizeText.ParseMegabytes(q) ?? throw new CliUsageException("--quota takes megabytes (0 = unlimited), e.g. 500") : account.QuotaBytes;
        account.AllowSmtp = c.BoolFlag("smtp") ?? account.AllowSmtp;
        account.AllowImap = c.BoolFlag("imap") ?? account.AllowImap;
        account.AllowPop3 = c.BoolFlag("pop3") ?? account.AllowPop3;
        account.Enabled = c.BoolFlag("enabled") ?? account.Enabled;
    }

    /// <summary>From standard input with --password-stdin (first line), else prompted without echo.</summary>
    private static async Task<string> ReadPasswordAsync(CliContext c)
    {
        string? password;
        if (c.Has("password-stdin") || Console.IsInputRedirected)
        {
            password = await c.Input.ReadLineAsync();
        }
        else
        {
            c.Output.Write("Password: ");
            password = ReadHidden();
        }
        if (string.IsNullOrEmpty(password))
        {
            throw new CliUsageException("an empty password is not allowed");
        }
        return password;
    }

    private static string ReadHidden()
    {
        var chars = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return chars.ToString();
            }
            if (key.Key == ConsoleKey.Backspace && chars.Length > 0)
            {
                chars.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                chars.Append(key.KeyChar);
            }
        }
    }
}
