using MailHost.Server.Hosting;
using MailHost.Shared.Data;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>A first-run data folder whose seven standard listeners are moved to free loopback ports.</summary>
public static class TestDataDir
{
    public const string Hostname = "mx.test.local";
    public const string AdminPassword = "test-admin-password";

    public static async Task<(string DataDir, Dictionary<string, int> Ports)> CreateAsync(Action<MailHostDbContext>? seed = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailhost-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        MailHostDatabase.Migrate(dataDir);
        FirstRun.Seed(new MailHostOptions { DataDir = dataDir, Hostname = Hostname, AdminPassword = AdminPassword }, TextWriter.Null);
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
