using MailHost.Shared.Data;
using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MailHost.Server.IntegrationTests.Cluster;

/// <summary>The generated PostgreSQL migrations build exactly the schema EF derives from each model, and run twice as a no-op.</summary>
[Collection("cluster")]
public sealed class PostgresMigrationTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Migrations_OnEmptyDatabase_ProduceTheModelSchema()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailhost-pgschema-" + Guid.NewGuid().ToString("N")[..8]);
        var migrated = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = await cluster.Postgres.CreateDatabaseAsync("schema_migrated") };
        ClusterDatabase.MigrateAll(migrated, dataDir);
        ClusterDatabase.MigrateAll(migrated, dataDir);

        var settings = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = await cluster.Postgres.CreateDatabaseAsync("schema_settings") };
        var logs = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = await cluster.Postgres.CreateDatabaseAsync("schema_logs") };
        var nodes = await cluster.Postgres.CreateDatabaseAsync("schema_cluster");
        using (var db = new MailHostDbContext(MailHostDatabase.Options(migrated, dataDir)))
        {
            Assert.Empty(db.Database.GetPendingMigrations());
            Assert.False(db.Database.HasPendingModelChanges(), "the model changed: run scripts/regen-postgres-migrations.sh");
        }
        using (var db = new MailHostDbContext(MailHostDatabase.Options(settings, dataDir)))
        {
            db.Database.EnsureCreated();
        }
        using (var db = new LogsDbContext(LogsDatabase.Options(logs, dataDir)))
        {
            db.Database.EnsureCreated();
        }
        using (var db = new ClusterDbContext(ClusterDatabase.Options(nodes)))
        {
            db.Database.EnsureCreated();
        }
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        expected.UnionWith(await SchemaAsync(settings.ConnectionString!));
        expected.UnionWith(await SchemaAsync(logs.ConnectionString!));
        expected.UnionWith(await SchemaAsync(nodes));
        var actual = new SortedSet<string>(await SchemaAsync(migrated.ConnectionString!), StringComparer.Ordinal);
        actual.RemoveWhere(s => s.Contains("__EFMigrations", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>Columns (type, nullability) and indexes of the public schema, one string each.</summary>
    private static async Task<List<string>> SchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var result = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT tablename || ' index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                result.Add(reader.GetString(0));
            }
        }
        return result;
    }
}
