using System.Text.Json;
using MailHost.Shared.Data;
using MailHost.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Settings;

/// <summary>
/// The one way settings change: load everything tracked, let the caller edit, validate the whole
/// candidate, then commit with the revision incremented in the same transaction, audit, and notify.
/// The console and the CLI both call this.
/// </summary>
public sealed class SettingsService(IDbContextFactory<MailHostDbContext> dbFactory, SettingsChangeNotifier notifier)
{
    /// <summary>Applies <paramref name="edit"/> to the current settings. Throws <see cref="SettingsValidationException"/> with every error, writing nothing.</summary>
    public async Task<long> UpdateAsync(string actor, string action, Action<SettingsData, MailHostDbContext> edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var data = await SettingsData.LoadAsync(db, tracking: true, cancellationToken);
        edit(data, db);
        // New entities added to the lists by the edit are attached here.
        AttachNew(db, data);
        var errors = SettingsValidator.Validate(data);
        if (errors.Count > 0)
        {
            throw new SettingsValidationException(errors);
        }
        var changes = Describe(db);
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Modified))
        {
            var version = entry.Properties.FirstOrDefault(p => p.Metadata.Name == "Version" && p.Metadata.ClrType == typeof(Guid));
            if (version is not null)
            {
                version.CurrentValue = Guid.NewGuid();
            }
        }
        data.Server.Revision++;
        if (db.Entry(data.Server).State == EntityState.Detached)
        {
            db.ServerSettings.Add(data.Server);
        }
        db.AuditLog.Add(new AdminAuditEntry
        {
            TimeUtc = DateTime.UtcNow,
            Actor = actor,
            Action = action,
            Entity = string.Join(", ", changes.Select(c => c.Entity).Distinct()),
            OldValue = Truncate(string.Join("; ", changes.Select(c => c.Old))),
            NewValue = Truncate(string.Join("; ", changes.Select(c => c.New))),
        });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        notifier.NotifyChanged();
        return data.Server.Revision;
    }

    private static void AttachNew(MailHostDbContext db, SettingsData data)
    {
        void Add<T>(IEnumerable<T> items) where T : class
        {
            foreach (var item in items.Where(i => db.Entry(i).State == EntityState.Detached))
            {
                db.Add(item);
            }
        }
        Add(data.Listeners);
        Add(data.TlsPolicies);
        Add(data.Certificates);
        Add(data.IpRanges);
        Add(data.RelayRules);
        Add(data.Domains);
        Add(data.Accounts);
        Add(data.Aliases);
        Add(data.DkimKeys);
    }

    private static readonly string[] SecretProperties = ["PasswordHash", "PrivateKeyPem", "SmartHostPassword", "Version"];

    private static List<(string Entity, string Old, string New)> Describe(MailHostDbContext db)
    {
        var result = new List<(string, string, string)>();
        foreach (var e in db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            var name = e.Metadata.ClrType.Name;
            var props = e.Properties.Where(p => !SecretProperties.Contains(p.Metadata.Name));
            string Values(Func<Microsoft.EntityFrameworkCore.ChangeTracking.PropertyEntry, object?> pick, IEnumerable<Microsoft.EntityFrameworkCore.ChangeTracking.PropertyEntry> ps) =>
                JsonSerializer.Serialize(ps.ToDictionary(p => p.Metadata.Name, pick));
            switch (e.State)
            {
                case EntityState.Added:
                    result.Add((name, "", Values(p => p.CurrentValue, props)));
                    break;
                case EntityState.Deleted:
                    result.Add((name, Values(p => p.OriginalValue, props), ""));
                    break;
                default:
                    var modified = props.Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)).ToList();
                    if (modified.Count > 0)
                    {
                        result.Add((name, Values(p => p.OriginalValue, modified), Values(p => p.CurrentValue, modified)));
                    }
                    break;
            }
        }
        return result;
    }

    private static string Truncate(string s) => s.Length <= 4000 ? s : s[..4000] + "…";
}
