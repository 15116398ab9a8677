using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;

namespace MailHost.Admin.Web.Backend;

/// <summary>One configured listener and what the engine did with it.</summary>
public sealed record ListenerRuntime(int Id, string Name, ListenerProtocol Protocol, string EndPoint, TlsMode TlsMode, bool Bound, string? Error, int Connections);

/// <summary>Live engine facts for the dashboard and the "applied" indicator.</summary>
public interface IEngineStatus
{
    /// <summary>The settings snapshot in effect now.</summary>
    MailHostSnapshot Snapshot { get; }

    /// <summary>The revision whose listeners are bound (ListenerManager.AppliedRevision).</summary>
    long AppliedRevision { get; }

    IReadOnlyList<ListenerRuntime> Listeners();

    /// <summary>Why the last stored settings were refused by the engine, if they were.</summary>
    IReadOnlyList<string> SnapshotErrors { get; }
}
