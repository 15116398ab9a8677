using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>Builds options for settings.db (or the shared PostgreSQL database), migrates it and, for SQLite, turns on WAL.</summary>
public static class MailHostDatabase
{
    public static string ConnectionString(string dataDir) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "settings.db"),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

    /// <summary>SQLite in <paramref name="dataDir"/> (one node).</summary>
    public static void Configure(DbContextOptionsBuilder options, string dataDir) => Configure(options, new DatabaseOptions(), dataDir);

    public static void Configure(DbContextOptionsBuilder options, DatabaseOptions database, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        // Migrations come from dotnet-ef with a model snapshot, so EF's pending-model-changes
        // check stays on: a model edit without a migration fails at start-up and in MigrationSchemaTests.
        if (database.IsPostgres)
        {
            PostgresProvider.UseUtcDateTimeAsTimestamp();
            options.UseNpgsql(database.RequirePostgresConnectionString(), o => o.MigrationsAssembly(PostgresProvider.MigrationsAssembly));
            return;
        }
        options.UseSqlite(ConnectionString(dataDir));
    }

    public static DbContextOptions<MailHostDbContext> Options(string dataDir) => Options(new DatabaseOptions(), dataDir);

    public static DbContextOptions<MailHostDbContext> Options(DatabaseOptions database, string dataDir)
    {
        var builder = new DbContextOptionsBuilder<MailHostDbContext>();
        Configure(builder, database, dataDir);
        return builder.Options;
    }

    /// <summary>Applies migrations and switches the file to WAL so readers never block the writer.</summary>
    public static void Migrate(string dataDir) => Migrate(new DatabaseOptions(), dataDir);

    /// <summary>
    /// Applies migrations. With PostgreSQL, EF takes a database-wide migration lock, so nodes that start
    /// together migrate one after the other.
    /// </summary>
    public static void Migrate(DatabaseOptions database, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(database);
        Directory.CreateDirectory(dataDir);
        using var db = new MailHostDbContext(Options(database, dataDir));
        db.Database.Migrate();
        if (!database.IsPostgres)
        {
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
    }
}
