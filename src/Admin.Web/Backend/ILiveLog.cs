namespace MailHost.Admin.Web.Backend;

/// <summary>Raised after delivery/TLS log records are committed, so live pages refresh; and the writer's losses.</summary>
public interface ILiveLog
{
    event Action? Written;

    /// <summary>Records the log writer dropped or could not write since the start.</summary>
    LogLosses Losses { get; }
}

/// <summary>Routine records dropped under a flood, admin-relevant ones dropped (only once nothing routine was left), records lost to write errors.</summary>
public sealed record LogLosses(long DroppedRoutine, long DroppedImportant, long WriteFailures)
{
    public long Total => DroppedRoutine + DroppedImportant + WriteFailures;
}
