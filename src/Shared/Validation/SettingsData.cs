using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Validation;

/// <summary>All settings entities at once: what the validator checks and the snapshot is built from.</summary>
public sealed class SettingsData
{
    public ServerSettings Server { get; set; } = new();
    public List<Listener> Listeners { get; init; } = [];
    public List<TlsPolicy> TlsPolicies { get; init; } = [];
    public List<Certificate> Certificates { get; init; } = [];
    public List<IpRange> IpRanges { get; init; } = [];
    public List<RelayRule> RelayRules { get; init; } = [];
    public List<Domain> Domains { get; init; } = [];
    public List<Account> Accounts { get; init; } = [];
    public List<Alias> Aliases { get; init; } = [];
    public List<DkimKey> DkimKeys { get; init; } = [];

    /// <summary>Reads every settings table; tracked when the caller means to change and save them.</summary>
    public static async Task<SettingsData> LoadAsync(MailHostDbContext db, bool tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        IQueryable<T> Q<T>(DbSet<T> set) where T : class => tracking ? set : set.AsNoTracking();
        return new SettingsData
        {
            Server = await Q(db.ServerSettings).SingleOrDefaultAsync(cancellationToken) ?? new ServerSettings(),
            Listeners = await Q(db.Listeners).OrderBy(l => l.Id).ToListAsync(cancellationToken),
            TlsPolicies = await Q(db.TlsPolicies).OrderBy(p => p.Id).ToListAsync(cancellationToken),
            Certificates = await Q(db.Certificates).OrderBy(c => c.Id).ToListAsync(cancellationToken),
            IpRanges = await Q(db.IpRanges).OrderBy(r => r.Id).ToListAsync(cancellationToken),
            RelayRules = await Q(db.RelayRules).OrderBy(r => r.Order).ThenBy(r => r.Id).ToListAsync(cancellationToken),
            Domains = await Q(db.Domains).OrderBy(d => d.Name).ToListAsync(cancellationToken),
            Accounts = await Q(db.Accounts).OrderBy(a => a.Address).ToListAsync(cancellationToken),
            Aliases = await Q(db.Aliases).OrderBy(a => a.Address).ToListAsync(cancellationToken),
            DkimKeys = await Q(db.DkimKeys).OrderBy(k => k.Domain).ToListAsync(cancellationToken),
        };
    }
}
