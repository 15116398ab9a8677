using System.Runtime.InteropServices;

namespace MailHost.Server.Hosting;

/// <summary>
/// The data folder holds account hashes, the admin hash, DKIM and TLS private keys and everyone's
/// mail: only the service user may read it. The process umask is set to 077 before anything is
/// created (settings.db, mail.db, logs, store/, queue/, keys/, certs/ then start 0700/0600), and an
/// existing folder made by an older version is tightened.
/// </summary>
public static partial class DataDirectoryPermissions
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = (UnixFileMode)0b000_111_111;

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);

    /// <summary>Sets umask 077 only: what this process creates from now on is private. The CLI uses it;
    /// the walk over an existing folder (<see cref="Secure"/>) is the server's, once per start.</summary>
    public static void RestrictNewFiles() => _ = SetUmask(0b000_111_111);

    /// <summary>Sets umask 077, creates <paramref name="dataDir"/> 0700 and returns the paths whose modes had to be tightened.</summary>
    public static IReadOnlyList<string> Secure(string dataDir)
    {
        // umask cannot fail; the previous mask is of no use here.
        RestrictNewFiles();
        Directory.CreateDirectory(dataDir, DirectoryMode);
        var fixedPaths = new List<string>();
        Tighten(new DirectoryInfo(dataDir), fixedPaths);
        return fixedPaths;
    }

    private static void Tighten(DirectoryInfo dir, List<string> fixedPaths)
    {
        if ((dir.UnixFileMode & GroupOrOther) != 0)
        {
            dir.UnixFileMode = DirectoryMode;
            fixedPaths.Add(dir.FullName);
        }
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            // A symbolic link's own mode means nothing, and following it could chmod files outside the folder.
            if (entry.LinkTarget is not null)
            {
                continue;
            }
            if (entry is DirectoryInfo sub)
            {
                Tighten(sub, fixedPaths);
            }
            else if ((entry.UnixFileMode & GroupOrOther) != 0)
            {
                entry.UnixFileMode = entry.UnixFileMode & ~GroupOrOther | FileMode;
                fixedPaths.Add(entry.FullName);
            }
        }
    }
}
