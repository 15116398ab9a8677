using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
        options.UseSqlite(ConnectionString(dataDir))
            // Migrations are hand-written (dotnet-ef does not restore here), so there is no model
            // snapshot; MigrationSchemaTests proves the migrated schema equals the model instead.
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
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
