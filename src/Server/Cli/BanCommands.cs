using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost ban list|remove`: addresses banned after failed logins.</summary>
internal static class BanCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        await using var db = await c.DbAsync();
        switch (c.Arg(1, "verb (list|remove)"))
        {
            case "list":
                var now = DateTime.UtcNow;
                var rows = await db.IpBans.Where(b => b.UntilUtc > now).OrderBy(b => b.UntilUtc).ToListAsync();
                TablePrinter.Print(c.Output, ["ADDRESS", "SINCE", "UNTIL", "REASON"], rows.Select(b => new[]
                {
                    b.Address, b.BannedUtc.ToString("u", CultureInfo.InvariantCulture), b.UntilUtc.ToString("u", CultureInfo.InvariantCulture), b.Reason,
                }));
                return 0;
            case "remove":
                var address = c.Arg(2, "address");
                var removed = await db.IpBans.Where(b => b.Address == address).ExecuteDeleteAsync();
                // The engine re-reads bans with the settings, so bump the revision to lift it at once.
                await db.ServerSettings.ExecuteUpdateAsync(s => s.SetProperty(x => x.Revision, x => x.Revision + 1));
                c.Output.WriteLine(removed > 0 ? $"ban on {address} lifted" : $"{address} was not banned");
                return removed > 0 ? 0 : 1;
            default:
                throw new CliUsageException("ban verbs: list, remove");
        }
    }
}
