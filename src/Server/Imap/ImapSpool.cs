using Microsoft.Extensions.Logging;

namespace MailHost.Server.Imap;

/// <summary>
/// The folder for spooled IMAP literals (data/imap-spool, beside store/). Files there are
/// delete-on-close, which a SIGKILL, power loss or crash never runs: start-up removes what is left,
/// so repeated crashes during big APPENDs cannot fill the disk with orphans.
/// </summary>
public static partial class ImapSpool
{
    public const string FolderName = "imap-spool";

    public static string DirectoryFor(string storeRoot) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storeRoot).TrimEnd(Path.DirectorySeparatorChar))!, FolderName);

    /// <summary>Deletes every leftover spool file; runs before any session can create a new one.</summary>
    public static int DeleteLeftovers(string directory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!Directory.Exists(directory))
        {
            return 0;
        }
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.literal"))
        {
            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (IOException ex)
            {
                CouldNotDelete(logger, file, ex.Message);
            }
            catch (UnauthorizedAccessException ex)
            {
                CouldNotDelete(logger, file, ex.Message);
            }
        }
        if (deleted > 0)
        {
            Cleaned(logger, deleted, directory);
        }
        return deleted;
    }

    [LoggerMessage(8201, LogLevel.Warning, "IMAP spool: deleted {Count} literal files left by an earlier run in {Directory}", EventName = "ImapSpoolCleaned")]
    private static partial void Cleaned(ILogger logger, int count, string directory);

    [LoggerMessage(8202, LogLevel.Warning, "IMAP spool: could not delete {File}: {Reason}", EventName = "ImapSpoolDeleteFailed")]
    private static partial void CouldNotDelete(ILogger logger, string file, string reason);
}
