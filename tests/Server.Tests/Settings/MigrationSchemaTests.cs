using MailHost.Shared.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MailHost.Server.Tests.Settings;

/// <summary>The generated migrations must build exactly the schema EF Core derives from the model.</summary>
public sealed class MigrationSchemaTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailhost-schema-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Migrate_OnEmptyDatabase_ProducesTheModelSchema()
    {
        var migrated = Path.Combine(_dir, "migrated");
        var created = Path.Combine(_dir, "created");
        MailHostDatabase.Migrate(migrated);
        Directory.CreateDirectory(created);
        using (var db = new MailHostDbContext(MailHostDatabase.Options(created)))
        {
            db.Database.EnsureCreated();
        }

        var expected = Schema(Path.Combine(created, "settings.db"));
        var actual = Schema(Path.Combine(migrated, "settings.db"));
        actual.Remove("__EFMigrationsHistory");
        actual.Remove("__EFMigrationsLock");

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var table in expected.Keys)
        {
            Assert.Equal(expected[table], actual[table]);
        }
    }

    [Fact]
    public void Migrate_Twice_IsANoOp()
    {
        MailHostDatabase.Migrate(_dir);
        MailHostDatabase.Migrate(_dir);
        using var db = new MailHostDbContext(MailHostDatabase.Options(_dir));
        Assert.Empty(db.Database.GetPendingMigrations());
        Assert.Equal(db.Database.GetMigrations(), db.Database.GetAppliedMigrations());
    }

    /// <summary>An entity edit without `dotnet ef migrations add` (README) fails here.</summary>
    [Fact]
    public void Model_HasNoChangesWithoutAMigration()
    {
        using var db = new MailHostDbContext(MailHostDatabase.Options(_dir));
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed: add a migration with dotnet-ef");
    }

    /// <summary>Databases made by the first release carry the id 20261122000000_Initial; they must see
    /// only the later migrations, and existing rows get the entity defaults, not zeros.</summary>
    [Fact]
    public void Migrate_FromInitial_KeepsRowsAndFillsDefaults()
    {
        Directory.CreateDirectory(_dir);
        using (var db = new MailHostDbContext(MailHostDatabase.Options(_dir)))
        {
            db.Database.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().Migrate("20261122000000_Initial");
            db.Database.ExecuteSqlRaw("""
                INSERT INTO "ServerSettings" ("Id","Revision","Hostname","Banner","MaxMessageSize","MaxRecipients",
                  "VrfyEnabled","ReceivedHeaderShowsAuthUser","RetrySchedule","GiveUpAfterHours","MaxConnectionsPerIp",
                  "MaxErrorsPerSession","MaxCommandsBeforeMail","AuthFailLimit","AuthFailWindowMinutes","AuthBanMinutes","Version")
                VALUES (1, 7, 'mx.example.test', 'b', 1000, 10, 0, 0, '5', 1, 1, 1, 1, 1, 1, 1, '00000000-0000-0000-0000-000000000001')
                """);
        }

        MailHostDatabase.Migrate(_dir);
        using var after = new MailHostDbContext(MailHostDatabase.Options(_dir));
        var row = after.ServerSettings.Single();
        var defaults = new MailHost.Shared.Entities.ServerSettings();
        Assert.Equal("mx.example.test", row.Hostname);
        Assert.Equal(defaults.MaxHeaderBytes, row.MaxHeaderBytes);
        Assert.Equal(defaults.MinFreeDiskMegabytes, row.MinFreeDiskMegabytes);
        Assert.Equal(defaults.LogRetentionDays, row.LogRetentionDays);
        Assert.Equal(defaults.RejectSenderLoginMismatch, row.RejectSenderLoginMismatch);
    }

    /// <summary>logs.db has its own generated migrations (LogsMigrations) that build exactly its model.</summary>
    [Fact]
    public void LogsMigrate_OnEmptyDatabase_ProducesTheModelSchema_AndSettingsHasNoLogTables()
    {
        var migrated = Path.Combine(_dir, "migrated");
        var created = Path.Combine(_dir, "created");
        LogsDatabase.Migrate(migrated);
        MailHostDatabase.Migrate(migrated);
        Directory.CreateDirectory(created);
        using (var db = new LogsDbContext(LogsDatabase.Options(created)))
        {
            db.Database.EnsureCreated();
            Assert.False(db.Database.HasPendingModelChanges(), "the logs model changed: add a migration with --context LogsDbContext");
        }

        var expected = Schema(Path.Combine(created, "logs.db"));
        var actual = Schema(Path.Combine(migrated, "logs.db"));
        actual.Remove("__EFMigrationsHistory");
        actual.Remove("__EFMigrationsLock");
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var table in expected.Keys)
        {
            Assert.Equal(expected[table], actual[table]);
        }
        // Configuration is never hostage to log volume: settings.db holds no delivery/TLS log table.
        var settings = Schema(Path.Combine(migrated, "settings.db"));
        Assert.DoesNotContain("DeliveryLog", settings.Keys);
        Assert.DoesNotContain("TlsLog", settings.Keys);
        Assert.Contains("DeliveryLog", actual.Keys);
    }

    /// <summary>Table → its columns (name, type, not-null, pk) and indexes (name, unique, columns).</summary>
    private static Dictionary<string, string> Schema(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }
        var result = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            var parts = new List<string>();
            parts.AddRange(Rows(connection, $"PRAGMA table_info(\"{table}\")", r => $"col {r.GetString(1)} {r.GetString(2)} notnull={r.GetInt32(3)} pk={r.GetInt32(5)}"));
            foreach (var index in Rows(connection, $"PRAGMA index_list(\"{table}\")", r => $"{r.GetString(1)}|{r.GetInt32(2)}").Order())
            {
                var name = index.Split('|')[0];
                var columns = string.Join(",", Rows(connection, $"PRAGMA index_info(\"{name}\")", r => r.GetString(2)));
                parts.Add($"index {index} ({columns})");
            }
            parts.AddRange(Rows(connection, $"PRAGMA foreign_key_list(\"{table}\")", r => $"fk {r.GetString(2)}.{r.GetString(4)} <- {r.GetString(3)} on delete {r.GetString(6)}"));
            result[table] = string.Join("\n", parts.Order());
        }
        return result;
    }

    private static List<string> Rows(SqliteConnection connection, string sql, Func<SqliteDataReader, string> map)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(map(r));
        }
        return list;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
