using Microsoft.EntityFrameworkCore.Design;

namespace MailHost.Shared.Data;

/// <summary>Lets `dotnet ef migrations add … --context LogsDbContext --output-dir LogsMigrations` build the context.</summary>
public sealed class LogsDesignTimeFactory : IDesignTimeDbContextFactory<LogsDbContext>
{
    public LogsDbContext CreateDbContext(string[] args) =>
        new(LogsDatabase.Options(Path.Combine(Path.GetTempPath(), "mailhost-design-time")));
}
