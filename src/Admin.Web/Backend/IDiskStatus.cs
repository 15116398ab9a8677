namespace MailHost.Admin.Web.Backend;

/// <summary>Free space on the data folder's file system against the configured reserve, for the dashboard.</summary>
public interface IDiskStatus
{
    long FreeBytes { get; }

    long ReserveBytes { get; }
}
