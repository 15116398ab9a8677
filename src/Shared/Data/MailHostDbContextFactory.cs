using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>Builds options for settings.db, migrates it and turns on WAL.</summary>
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

    public static void Configure(DbContextOptionsBuilder options, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Migrations come from dotnet-ef with a model snapshot, so EF's pending-model-changes
        // check stays on: a model edit without a migration fails at start-up and in MigrationSchemaTests.
        options.UseSqlite(ConnectionString(dataDir));
    }

    public static DbContextOptions<MailHostDbContext> Options(string dataDir)
    {
        var builder = new DbContextOptionsBuilder<MailHostDbContext>();
        Configure(builder, dataDir);
        return builder.Options;
    }

    /// <summary>Applies migrations and switches the file to WAL so readers never block the writer.</summary>
    public static void Migrate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        using var db = new MailHostDbContext(Options(dataDir));
        db.Database.Migrate();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }
}
