using System.Runtime.InteropServices;

namespace MailHost.Server.Queue;

/// <summary>fsync on a directory, so a rename or a new file survives power loss (the BCL has no API for it).</summary>
public static partial class DirectorySync
{
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    public static void Fsync(string directory)
    {
        var fd = Open(directory, ReadOnlyDirectory);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {directory} to fsync it (errno {errno})", errno);
        }
        try
        {
            if (FsyncFd(fd) != 0)
            {
                // HResult carries errno, so a full disk still maps to 452 4.3.1 (DiskSpaceGuard.IsOutOfSpace).
                var errno = Marshal.GetLastPInvokeError();
                throw new IOException($"fsync of {directory} failed (errno {errno})", errno);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
