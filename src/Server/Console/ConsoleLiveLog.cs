using MailHost.Admin.Web.Backend;
using MailHost.Server.Logging;

namespace MailHost.Server.AdminConsole;

/// <summary>Forwards the activity log's "batch written" event and its loss counters to live console pages.</summary>
public sealed class ConsoleLiveLog(ActivityLog log) : ILiveLog
{
    public event Action? Written
    {
        add => log.Written += value;
        remove => log.Written -= value;
    }

    public LogLosses Losses => new(log.DroppedRoutine, log.DroppedImportant, log.WriteFailures);
}
