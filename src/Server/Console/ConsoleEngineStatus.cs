using MailHost.Admin.Web.Backend;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;

namespace MailHost.Server.AdminConsole;

/// <summary>Listener states and the applied revision, straight from the running engine.</summary>
public sealed class ConsoleEngineStatus(ListenerManager listeners, SettingsSnapshotProvider settings) : IEngineStatus
{
    public MailHostSnapshot Snapshot => settings.Current;

    public long AppliedRevision => listeners.AppliedRevision;

    public IReadOnlyList<string> SnapshotErrors => [.. settings.LastErrors.Select(e => e.ToString())];

    public IReadOnlyList<ListenerRuntime> Listeners() =>
        [.. listeners.Status().Select(s => new ListenerRuntime(s.Id, s.Name, s.Protocol, s.EndPoint, s.TlsMode, s.State == ListenerState.Bound, s.Error, s.Connections))];
}
