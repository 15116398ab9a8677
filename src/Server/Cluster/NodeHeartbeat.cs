using System.Reflection;
using MailHost.Server.Hosting;
using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Cluster;

/// <summary>
/// Keeps this node's row in the shared Nodes table fresh (every 5 s: address, version, listeners bound),
/// so `mailhost node list` and the console's Nodes page show every node and when it was last seen.
/// A database outage only delays the next beat.
/// </summary>
public sealed class NodeHeartbeat(
    IOptions<MailHostOptions> options,
    IDbContextFactory<ClusterDbContext> clusterFactory,
    ListenerManager listeners,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly DateTime _startedUtc = DateTime.UtcNow;

    public static string Version { get; } =
        typeof(NodeHeartbeat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(Interval, TimeProvider.System, passAtStart: true, BeatAsync, ex => ClusterLog.HeartbeatFailed(logger, ex), stoppingToken);

    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var db = await clusterFactory.CreateDbContextAsync(cancellationToken);
        var name = o.EffectiveNodeName;
        var row = await db.Nodes.SingleOrDefaultAsync(n => n.Name == name, cancellationToken);
        if (row is null)
        {
            row = new ClusterNode { Name = name };
            db.Nodes.Add(row);
        }
        row.Address = o.ListenAddress is { Length: > 0 } a ? a : "any";
        row.Version = Version;
        row.ProcessId = Environment.ProcessId;
        row.StartedUtc = _startedUtc;
        row.LastSeenUtc = DateTime.UtcNow;
        row.Listeners = string.Join("\n", listeners.Status().Select(l => $"{l.Name} {l.Protocol} {l.EndPoint} {l.State}"));
        await db.SaveChangesAsync(cancellationToken);
    }
}
