using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>Builds options for logs.db, migrates it and turns on WAL and incremental vacuum.</summary>
public static class LogsDatabase
{
    public const string FileName = "logs.db";

    public static string FilePath(string dataDir) => Path.Combine(dataDir, FileName);

    public static string ConnectionString(string dataDir) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = FilePath(dataDir),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

    public static void Configure(DbContextOptionsBuilder options, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseSqlite(ConnectionString(dataDir));
    }

    public static DbContextOptions<LogsDbContext> Options(string dataDir)
    {
        var builder = new DbContextOptionsBuilder<LogsDbContext>();
        Configure(builder, dataDir);
        return builder.Options;
    }

    /// <summary>
    /// Applies migrations. A new file gets auto_vacuum=INCREMENTAL first (it must precede the first
    /// table), so retention's deletes can give the space back to the file system.
    /// </summary>
    public static void Migrate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        using var db = new LogsDbContext(Options(dataDir));
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
