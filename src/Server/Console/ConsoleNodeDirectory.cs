using MailHost.Admin.Web.Backend;
using MailHost.Server.Cli;
using MailHost.Server.Cluster;
using MailHost.Server.Hosting;
using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.AdminConsole;

/// <summary>The Nodes table's heartbeats with PostgreSQL; with SQLite just this process and its listeners.</summary>
internal sealed class ConsoleNodeDirectory(IServiceProvider services, IOptions<MailHostOptions> options, ListenerManager listeners) : INodeDirectory
{
    public bool IsShared => options.Value.Database.IsPostgres;

    public async Task<IReadOnlyList<NodeView>> ListAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (!IsShared)
        {
            return [new NodeView(options.Value.EffectiveNodeName, options.Value.ListenAddress ?? "any", NodeHeartbeat.Version, Environment.ProcessId, now, "up",
                [.. listeners.Status().Select(l => $"{l.Name} {l.Protocol} {l.EndPoint} {l.State}")])];
        }
        await using var db = await services.GetRequiredService<IDbContextFactory<ClusterDbContext>>().CreateDbContextAsync(cancellationToken);
        var rows = await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(cancellationToken);
        return [.. rows.Select(n => new NodeView(n.Name, n.Address, n.Version, n.ProcessId, n.LastSeenUtc, NodeCommands.NodeState(now - n.LastSeenUtc),
            n.Listeners.Split('\n', StringSplitOptions.RemoveEmptyEntries)))];
    }
}
