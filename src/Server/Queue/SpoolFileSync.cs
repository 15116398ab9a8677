using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace MailHost.Server.Queue;

/// <summary>The three disk operations a spool commit needs; a seam so tests can make them fail.</summary>
internal interface ISpoolFileSync
{
    /// <summary>Starts writing the file's dirty pages without waiting (a hint; errors surface in <see cref="DataSync"/>).</summary>
    void StartWriteback(SafeFileHandle file);

    /// <summary>fdatasync: the file's bytes and size are on stable storage when this returns.</summary>
    void DataSync(SafeFileHandle file);

    /// <summary>fsync of a directory: its renames and new entries are on stable storage when this returns.</summary>
    void SyncDirectory(string directory);
}

/// <summary>The Linux system calls behind <see cref="ISpoolFileSync"/>.</summary>
internal sealed partial class SpoolFileSync : ISpoolFileSync
{
    public static readonly SpoolFileSync Instance = new();

    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long count, uint flags);

    public void StartWriteback(SafeFileHandle file)
    {
        // Starting every file's writeback before the first fdatasync lets the file system put all their
        // block allocations into one journal commit, so the later fdatasyncs of the batch find it done.
        _ = SyncFileRange(file, 0, 0, SyncFileRangeWrite);
    }

    public void DataSync(SafeFileHandle file)
    {
        if (FdataSync(file) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // HResult carries errno (as the BCL's own IOExceptions do), so ENOSPC still maps to 452 4.3.1.
            throw new IOException($"fdatasync failed (errno {errno})", errno);
        }
    }

    public void SyncDirectory(string directory) => DirectorySync.Fsync(directory);
}
