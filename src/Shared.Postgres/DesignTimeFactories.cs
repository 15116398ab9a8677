using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore.Design;

namespace MailHost.Shared.Postgres;

// Let `dotnet ef migrations add … --project src/Shared.Postgres --startup-project src/Shared.Postgres`
// build each context with the Npgsql provider (scripts/regen-postgres-migrations.sh). The tool never
// connects to this address.
internal static class DesignTime
{
    public static readonly DatabaseOptions Database = new()
    {
        Provider = DatabaseProvider.Postgres,
        ConnectionString = "Host=127.0.0.1;Database=mailhost_design_time;Username=mailhost",
    };

    public static string DataDir => Path.Combine(Path.GetTempPath(), "mailhost-design-time");
}

public sealed class PostgresSettingsDesignTimeFactory : IDesignTimeDbContextFactory<MailHostDbContext>
{
    public MailHostDbContext CreateDbContext(string[] args) => new(MailHostDatabase.Options(DesignTime.Database, DesignTime.DataDir));
}

public sealed class PostgresLogsDesignTimeFactory : IDesignTimeDbContextFactory<LogsDbContext>
{
    public LogsDbContext CreateDbContext(string[] args) => new(LogsDatabase.Options(DesignTime.Database, DesignTime.DataDir));
}

public sealed class ClusterDesignTimeFactory : IDesignTimeDbContextFactory<ClusterDbContext>
{
    public ClusterDbContext CreateDbContext(string[] args) => new(ClusterDatabase.Options(DesignTime.Database.ConnectionString!));
}
