namespace MailHost.Admin.Web.Backend;

/// <summary>Raised after delivery/TLS log records are committed, so live pages refresh.</summary>
public interface ILiveLog
{
    event Action? Written;
}
