using System.Security.Cryptography;
using MailHost.Admin.Web.Backend;
using MailHost.Server.Auth;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.AdminConsole;

/// <summary>Admin password checks and changes with the server's PBKDF2 hasher (600,000 iterations, run off the request thread).</summary>
public sealed class ConsoleAdminAccounts(IDbContextFactory<MailHostDbContext> dbFactory) : IAdminAccounts
{
    public async Task<bool> VerifyAsync(string userName, string password, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.AdminUsers.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        // A missing user costs the same hash work, so timing does not reveal which names exist.
        var hash = user?.PasswordHash ?? PasswordHasher.DummyHash;
        var ok = await Task.Run(() => PasswordHasher.Verify(password, hash), cancellationToken);
        return ok && user is not null;
    }

    public async Task ChangePasswordAsync(string userName, string newPassword, CancellationToken cancellationToken)
    {
        var hash = await Task.Run(() => PasswordHasher.Hash(newPassword), cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.AdminUsers.FirstAsync(u => u.UserName == userName, cancellationToken);
        user.PasswordHash = hash;
        // Whoever had a copy of a cookie (or the old password) loses the session in the same commit.
        user.SecurityStamp = NewStamp();
        db.AuditLog.Add(new AdminAuditEntry { TimeUtc = DateTime.UtcNow, Actor = "console:" + userName, Action = "change admin password", Entity = "AdminUser", OldValue = "", NewValue = userName });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<string?> GetSecurityStampAsync(string userName, bool createIfEmpty, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.AdminUsers.FirstOrDefaultAsync(u => u.UserName == userName, cancellationToken);
        if (user is null)
        {
            return null;
        }
        if (user.SecurityStamp.Length == 0 && createIfEmpty)
        {
            user.SecurityStamp = NewStamp();
            await db.SaveChangesAsync(cancellationToken);
        }
        return user.SecurityStamp;
    }

    public async Task RevokeSessionsAsync(string userName, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stamp = NewStamp();
        await db.AdminUsers.Where(u => u.UserName == userName)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp), cancellationToken);
    }

    public string HashPassword(string password) => PasswordHasher.Hash(password);

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
