using MailHost.Admin.Web.Backend;
using MailHost.Server.Logging;

namespace MailHost.Server.AdminConsole;

/// <summary>Forwards the activity log's "batch written" event to live console pages.</summary>
public sealed class ConsoleLiveLog(ActivityLog log) : ILiveLog
{
    public event Action? Written
    {
        add => log.Written += value;
        remove => log.Written -= value;
    }
}
