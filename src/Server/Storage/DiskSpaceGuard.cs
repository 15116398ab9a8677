using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Storage;

/// <summary>
/// The free-space reserve of the data folder's file system (Postfix's queue_minfree). Sessions ask
/// before they accept mail (SMTP 452 4.3.1, IMAP APPEND NO) and workers before they write, so a
/// full disk turns into "try again later" instead of half-written files and I/O errors.
/// </summary>
public sealed class DiskSpaceGuard(IOptions<MailHostOptions> options, SettingsSnapshotProvider settings, TimeProvider time)
{
    // statvfs is cheap but runs per MAIL/DATA/APPEND: one look per 500 ms is fresh enough.
    private static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);
    private readonly Lock _gate = new();
    private long _free = long.MaxValue;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public long ReserveBytes => settings.Current.Server.MinFreeDiskBytes;

    /// <summary>Bytes available to the service user on the data folder's file system (long.MaxValue when it cannot be read).</summary>
    public long FreeBytes
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_gate)
            {
                if (now - _checkedAt >= CacheFor)
                {
                    _free = Measure(options.Value.FullDataDir);
                    _checkedAt = now;
                }
                return _free;
            }
        }
    }

    public bool BelowReserve => FreeBytes < ReserveBytes;

    /// <summary>Forgets the cached figure (after an ENOSPC, or in tests).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _checkedAt = DateTimeOffset.MinValue;
        }
    }

    private static long Measure(string path)
    {
        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>ENOSPC or EDQUOT: the write failed for lack of space, not for a fault to report as a bug.</summary>
    public static bool IsOutOfSpace(Exception ex) =>
        ex is IOException io && (io.HResult & 0xFFFF) is 28 or 122 || ex.InnerException is { } inner && IsOutOfSpace(inner);
}
