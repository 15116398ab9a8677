using MailHost.Admin.Web.Backend;
using MailHost.Server.Storage;

namespace MailHost.Server.AdminConsole;

internal sealed class ConsoleDiskStatus(DiskSpaceGuard disk) : IDiskStatus
{
    public long FreeBytes => disk.FreeBytes;

    public long ReserveBytes => disk.ReserveBytes;
}
