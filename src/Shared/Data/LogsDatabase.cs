using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>
/// Builds options for logs.db, migrates it and turns on WAL and incremental vacuum. With PostgreSQL the
/// log tables live in the shared database (their own migrations history table, so the two contexts'
/// migration sets never mix).
/// </summary>
public static class LogsDatabase
{
    public const string FileName = "logs.db";

    /// <summary>The PostgreSQL history table of the logs context.</summary>
    public const string PostgresHistoryTable = "__EFMigrationsHistory_Logs";

    public static string FilePath(string dataDir) => Path.Combine(dataDir, FileName);

    public static string ConnectionString(string dataDir) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = FilePath(dataDir),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

    public static void Configure(DbContextOptionsBuilder options, string dataDir) => Configure(options, new DatabaseOptions(), dataDir);

    public static void Configure(DbContextOptionsBuilder options, DatabaseOptions database, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(database);
        if (database.IsPostgres)
        {
            PostgresProvider.UseUtcDateTimeAsTimestamp();
            options.UseNpgsql(database.RequirePostgresConnectionString(), o => o
                .MigrationsAssembly(PostgresProvider.MigrationsAssembly)
                .MigrationsHistoryTable(PostgresHistoryTable));
            return;
        }
        options.UseSqlite(ConnectionString(dataDir));
    }

    public static DbContextOptions<LogsDbContext> Options(string dataDir) => Options(new DatabaseOptions(), dataDir);

    public static DbContextOptions<LogsDbContext> Options(DatabaseOptions database, string dataDir)
    {
        var builder = new DbContextOptionsBuilder<LogsDbContext>();
        Configure(builder, database, dataDir);
        return builder.Options;
    }

    public static void Migrate(string dataDir) => Migrate(new DatabaseOptions(), dataDir);

    /// <summary>
    /// Applies migrations. A new SQLite file gets auto_vacuum=INCREMENTAL first (it must precede the
    /// first table), so retention's deletes can give the space back to the file system.
    /// </summary>
    public static void Migrate(DatabaseOptions database, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(database);
        Directory.CreateDirectory(dataDir);
        using var db = new LogsDbContext(Options(database, dataDir));
        if (database.IsPostgres)
        {
            db.Database.Migrate();
            return;
        }
        if (!File.Exists(FilePath(dataDir)))
        {
            db.Database.OpenConnection();
            db.Database.ExecuteSqlRaw("PRAGMA auto_vacuum=INCREMENTAL;");
            db.Database.CloseConnection();
        }
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
