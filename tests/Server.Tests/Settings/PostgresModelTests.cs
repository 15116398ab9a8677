using MailHost.Shared.Data;
using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Tests.Settings;

/// <summary>
/// The PostgreSQL twin of MigrationSchemaTests' model check (no server needed: the comparison is between
/// the model and the generated snapshot): an entity edit merged without regenerating the PostgreSQL
/// migrations (scripts/regen-postgres-migrations.sh) fails here.
/// </summary>
public sealed class PostgresModelTests
{
    private static readonly DatabaseOptions Database = new()
    {
        Provider = DatabaseProvider.Postgres,
        ConnectionString = "Host=127.0.0.1;Port=1;Database=never_opened;Username=none",
    };

    [Fact]
    public void SettingsModel_HasNoChangesWithoutAPostgresMigration()
    {
        using var db = new MailHostDbContext(MailHostDatabase.Options(Database, Path.GetTempPath()));
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the settings model changed: run scripts/regen-postgres-migrations.sh");
    }

    [Fact]
    public void LogsModel_HasNoChangesWithoutAPostgresMigration()
    {
        using var db = new LogsDbContext(LogsDatabase.Options(Database, Path.GetTempPath()));
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the logs model changed: run scripts/regen-postgres-migrations.sh");
    }

    [Fact]
    public void ClusterModel_HasNoChangesWithoutAMigration()
    {
        using var db = new ClusterDbContext(ClusterDatabase.Options(Database.ConnectionString!));
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "the cluster model changed: add a migration with --context ClusterDbContext");
    }
}
