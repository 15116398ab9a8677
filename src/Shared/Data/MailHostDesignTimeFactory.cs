using Microsoft.EntityFrameworkCore.Design;

namespace MailHost.Shared.Data;

/// <summary>
/// Lets `dotnet ef migrations add` build the context without starting the server
/// (README: "Adding a migration"). The database file is never opened by the tool.
/// </summary>
public sealed class MailHostDesignTimeFactory : IDesignTimeDbContextFactory<MailHostDbContext>
{
    public MailHostDbContext CreateDbContext(string[] args) =>
        new(MailHostDatabase.Options(Path.Combine(Path.GetTempPath(), "mailhost-design-time")));
}
