using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost node list`: the nodes sharing this PostgreSQL database, from their heartbeats.</summary>
internal static class NodeCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        if (c.Arg(1, "verb (list)") != "list")
        {
            throw new CliUsageException("node verbs: list");
        }
        if (!c.Options.Database.IsPostgres)
        {
            c.Output.WriteLine("single node: the database is SQLite in the data folder (MailHost:Database:Provider=Postgres shares it between nodes)");
            return 0;
        }
        await using var db = await c.Services.GetRequiredService<IDbContextFactory<ClusterDbContext>>().CreateDbContextAsync();
        var now = DateTime.UtcNow;
        var nodes = await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync();
        TablePrinter.Print(c.Output, ["NAME", "ADDRESS", "VERSION", "PID", "LAST SEEN", "STATE", "LISTENERS BOUND"], nodes.Select(n => new[]
        {
            n.Name,
            n.Address,
            n.Version,
            n.ProcessId.ToString(CultureInfo.InvariantCulture),
            n.LastSeenUtc.ToString("u", CultureInfo.InvariantCulture),
            NodeState(now - n.LastSeenUtc),
            $"{n.Listeners.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" Bound", StringComparison.Ordinal))}/{n.Listeners.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length}",
        }));
        return 0;
    }

    /// <summary>Three missed heartbeats (5 s each) make a node "missing"; a day without one, "gone".</summary>
    public static string NodeState(TimeSpan sinceLastSeen) =>
        sinceLastSeen < TimeSpan.FromSeconds(15) ? "up" : sinceLastSeen < TimeSpan.FromDays(1) ? "missing" : "gone";
}
