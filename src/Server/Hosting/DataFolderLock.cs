namespace MailHost.Server.Hosting;

/// <summary>
/// One server per data folder: an exclusive lock on data/mailhost.lock held while the server runs
/// (released by the kernel when the process dies, so a crash never leaves a stale lock), and the
/// holder's PID in data/mailhost.pid so a second server can say who holds it.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _pidFile;

    private DataFolderLock(FileStream lockStream, string pidFile)
    {
        _lock = lockStream;
        _pidFile = pidFile;
    }

    /// <summary>Takes the lock or throws <see cref="DataFolderInUseException"/> naming the holder's PID.</summary>
    public static DataFolderLock Acquire(string dataDir)
    {
        var lockFile = Path.Combine(dataDir, "mailhost.lock");
        var pidFile = Path.Combine(dataDir, "mailhost.pid");
        try
        {
            // FileShare.None is an flock(LOCK_EX | LOCK_NB) on Linux: advisory, per open file, dropped on exit.
            var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            return new DataFolderLock(stream, pidFile);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            var holder = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "unknown";
            throw new DataFolderInUseException(
                $"another MailHost server (PID {holder}) is already running on the data folder {dataDir}; stop it first or use another --MailHost:DataDir", ex);
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_pidFile);
        }
        catch (IOException)
        {
            // The lock is what matters; a stale PID file is only a hint.
        }
        _lock.Dispose();
    }
}

public sealed class DataFolderInUseException(string message, Exception inner) : Exception(message, inner);
