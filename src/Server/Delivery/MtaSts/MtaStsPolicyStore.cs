using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Delivery;

/// <summary>
/// The persistent side of the MTA-STS cache: one row per policy domain in the logs database (logs.db, or the
/// shared PostgreSQL database, so every node sees a policy another node fetched). A database error never stops
/// a delivery: it is logged and the in-memory cache carries on alone.
/// </summary>
public sealed class MtaStsPolicyStore(IDbContextFactory<LogsDbContext> factory, ILogger<MtaStsPolicyStore> logger)
{
    /// <summary>The cached policy of <paramref name="domain"/>, if one is stored and has not expired.</summary>
    public async Task<(MtaStsPolicy Policy, DateTime FetchedUtc, DateTime ExpiresUtc)?> FindAsync(string domain, DateTime nowUtc, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var row = await db.MtaStsPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Domain == domain && p.ExpiresUtc > nowUtc, cancellationToken);
            return row is null || MtaStsPolicy.Parse(row.PolicyText, row.PolicyId) is not { } policy ? null : (policy, row.FetchedUtc, row.ExpiresUtc);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            MtaStsLog.StoreFailed(logger, domain, ex);
            return null;
        }
    }

    public async Task SaveAsync(string domain, MtaStsPolicy policy, DateTime fetchedUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var row = await db.MtaStsPolicies.FirstOrDefaultAsync(p => p.Domain == domain, cancellationToken);
            if (row is null)
            {
                row = new MtaStsPolicyCacheEntry { Domain = domain };
                db.MtaStsPolicies.Add(row);
            }
            row.PolicyId = policy.Id;
            row.PolicyText = policy.Text;
            row.FetchedUtc = fetchedUtc;
            row.CheckedUtc = fetchedUtc;
            row.ExpiresUtc = fetchedUtc + policy.MaxAge;
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Another node inserted the same domain at the same moment, or the database is unavailable: the policy
            // stays in memory for this process; the next fetch writes it again.
            MtaStsLog.StoreFailed(logger, domain, ex);
        }
    }

    /// <summary>Unexpired domains, oldest check first (the refresher's work list), after dropping expired rows.</summary>
    public async Task<IReadOnlyList<string>> DomainsToCheckAsync(DateTime nowUtc, int max, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.MtaStsPolicies.Where(p => p.ExpiresUtc <= nowUtc).ExecuteDeleteAsync(cancellationToken);
        return await db.MtaStsPolicies.AsNoTracking().OrderBy(p => p.CheckedUtc).Take(max).Select(p => p.Domain).ToListAsync(cancellationToken);
    }

    public async Task MarkCheckedAsync(string domain, DateTime nowUtc, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.MtaStsPolicies.Where(p => p.Domain == domain).ExecuteUpdateAsync(s => s.SetProperty(p => p.CheckedUtc, nowUtc), cancellationToken);
    }
}
