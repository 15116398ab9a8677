namespace MailHost.Admin.Web.Backend;

/// <summary>One MailHost node as the Nodes page shows it.</summary>
public sealed record NodeView(string Name, string Address, string Version, int ProcessId, DateTime LastSeenUtc, string State, IReadOnlyList<string> Listeners);

/// <summary>The nodes sharing this installation's database (one, with SQLite).</summary>
public interface INodeDirectory
{
    /// <summary>True when several nodes can share the database (PostgreSQL).</summary>
    bool IsShared { get; }

    Task<IReadOnlyList<NodeView>> ListAsync(CancellationToken cancellationToken);
}
