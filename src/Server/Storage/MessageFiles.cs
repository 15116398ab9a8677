using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Queue;

namespace MailHost.Server.Storage;

/// <summary>
/// Message files under data/store/{account}/: written once to a ".tmp" name, fsynced, renamed to
/// "{mailboxId}_{key}.eml", directory fsynced. The name carries the mailbox and the delivery key so
/// start-up recovery can re-index a file whose index row was lost.
/// </summary>
public sealed class MessageFiles(string root)
{
    public string Root => root;

    public static string AccountDirectoryName(string account) => Uri.EscapeDataString(account.ToLowerInvariant());

    public static string DeliveryKey(string deliveryId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deliveryId)))[..32];

    public string FullPath(string relative) => Path.Combine(root, relative);

    /// <summary>Copies <paramref name="source"/> into a new durable file; returns its relative path and size.</summary>
    public async Task<(string Relative, long Size)> WriteAsync(string account, long mailboxId, string key, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var dirName = AccountDirectoryName(account);
        var dir = Path.Combine(root, dirName);
        Directory.CreateDirectory(dir);
        var name = $"{mailboxId}_{key}.eml";
        var temp = Path.Combine(dir, name + ".tmp");
        long size;
        await using (var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await CrlfCopy.CopyAsync(source, file, cancellationToken);
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
            size = file.Length;
        }
        File.Move(temp, Path.Combine(dir, name), overwrite: true);
        DirectorySync.Fsync(dir);
        return ($"{dirName}/{name}", size);
    }

    public async Task<byte[]> ReadAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(FullPath(relative), cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    public void Delete(string relative)
    {
        try
        {
            File.Delete(FullPath(relative));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
