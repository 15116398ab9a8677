using MailHost.Server.Hosting;
using MailHost.Shared.Data;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>A first-run data folder whose seven standard listeners are moved to free loopback ports.</summary>
public static class TestDataDir
{
    public const string Hostname = "mx.test.local";
    public const string AdminPassword = "test-admin-password";

    // Migrating, seeding and making two key pairs cost seconds on a busy machine: do it once per test run, then copy.
    private static readonly Lazy<string> Template = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-tests", "template-" + Guid.NewGuid().ToString("N"));
        MailHostDatabase.Migrate(dir);
        FirstRun.Seed(new MailHostOptions { DataDir = dir, Hostname = Hostname, AdminPassword = AdminPassword }, TextWriter.Null);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return dir;
    });

    public static async Task<(string DataDir, Dictionary<string, int> Ports)> CreateAsync(Action<MailHostDbContext>? seed = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailhost-tests", Guid.NewGuid().ToString("N"));
        CopyDirectory(Template.Value, dataDir);
        var ports = new Dictionary<string, int>();
        await using (var db = new MailHostDbContext(MailHostDatabase.Options(dataDir)))
        {
            foreach (var l in db.Listeners)
            {
                l.Port = FreePorts.Next();
                l.BindAddress = "127.0.0.1";
                ports[l.Name] = l.Port;
            }
            seed?.Invoke(db);
            await db.SaveChangesAsync();
        }
        return (dataDir, ports);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public static void Delete(string dataDir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
