using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cluster;

/// <summary>
/// Certificates are PFX files under each data folder's certs/ (the settings rows hold only their
/// relative paths). With several nodes the files travel through the shared database: a node uploads
/// the files it has that the database lacks and writes the ones it lacks. File names carry the
/// thumbprint, so a name never changes content and the union is the right result.
/// </summary>
public static class SharedCertificateFiles
{
    private const string Folder = "certs";

    /// <summary>Returns how many files were written locally.</summary>
    public static async Task<int> SyncAsync(ClusterDbContext db, string dataDir, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var local = Path.Combine(dataDir, Folder);
        Directory.CreateDirectory(local);
        var stored = (await db.SharedFiles.AsNoTracking().Select(f => f.Path).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(local, "*.pfx"))
        {
            var relative = Path.Combine(Folder, Path.GetFileName(file));
            if (!stored.Contains(relative))
            {
                db.SharedFiles.Add(new SharedFile { Path = relative, Content = await File.ReadAllBytesAsync(file, cancellationToken), StoredUtc = DateTime.UtcNow });
            }
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node uploaded the same file at the same moment: same name, same content.
            db.ChangeTracker.Clear();
        }
        var written = 0;
        foreach (var relative in stored.Where(p => !File.Exists(Path.Combine(dataDir, p))))
        {
            var content = await db.SharedFiles.AsNoTracking().Where(f => f.Path == relative).Select(f => f.Content).SingleAsync(cancellationToken);
            var full = Path.Combine(dataDir, relative);
            if (Path.GetDirectoryName(Path.GetFullPath(full)) != Path.GetFullPath(local))
            {
                continue; // never outside certs/, whatever a row says
            }
            var temp = full + ".tmp";
            await using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            written++;
        }
        return written;
    }
}
