using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>Settings, runtime records (bans) and the admin audit log, in settings.db (delivery/TLS logs: <see cref="LogsDbContext"/>).</summary>
public class MailHostDbContext(DbContextOptions<MailHostDbContext> options) : DbContext(options)
{
    public DbSet<ServerSettings> ServerSettings => Set<ServerSettings>();
    public DbSet<Listener> Listeners => Set<Listener>();
    public DbSet<TlsPolicy> TlsPolicies => Set<TlsPolicy>();
    public DbSet<Certificate> Certificates => Set<Certificate>();
    public DbSet<IpRange> IpRanges => Set<IpRange>();
    public DbSet<RelayRule> RelayRules => Set<RelayRule>();
    public DbSet<Domain> Domains => Set<Domain>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Alias> Aliases => Set<Alias>();
    public DbSet<DkimKey> DkimKeys => Set<DkimKey>();
    public DbSet<AdminUser> AdminUsers => Set<AdminUser>();
    public DbSet<IpBan> IpBans => Set<IpBan>();
    public DbSet<AdminAuditEntry> AuditLog => Set<AdminAuditEntry>();
    public DbSet<AcmeAccount> AcmeAccounts => Set<AcmeAccount>();
    public DbSet<AcmeCertificate> AcmeCertificates => Set<AcmeCertificate>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ServerSettings>().Property(s => s.Id).ValueGeneratedNever();
        modelBuilder.Entity<Listener>().HasIndex(l => l.Name).IsUnique();
        modelBuilder.Entity<Listener>().HasOne(l => l.TlsPolicy).WithMany().HasForeignKey(l => l.TlsPolicyId).OnDelete(DeleteBehavior.SetNull);
        modelBuilder.Entity<TlsPolicy>().HasIndex(p => p.Name).IsUnique();
        modelBuilder.Entity<Certificate>().HasIndex(c => c.Name).IsUnique();
        modelBuilder.Entity<IpRange>().HasIndex(r => r.Name).IsUnique();
        modelBuilder.Entity<Domain>().HasIndex(d => d.Name).IsUnique();
        modelBuilder.Entity<Account>().HasIndex(a => a.Address).IsUnique();
        modelBuilder.Entity<Alias>().HasIndex(a => a.Address).IsUnique();
        modelBuilder.Entity<DkimKey>().HasIndex(k => new { k.Domain, k.Selector }).IsUnique();
        modelBuilder.Entity<AdminUser>().HasIndex(u => u.UserName).IsUnique();
        modelBuilder.Entity<IpBan>().HasIndex(b => b.Address);
        modelBuilder.Entity<AdminAuditEntry>().HasIndex(e => e.TimeUtc);
        modelBuilder.Entity<AcmeAccount>().HasIndex(a => new { a.DirectoryUrl, a.ContactEmail }).IsUnique();
        modelBuilder.Entity<AcmeCertificate>().HasIndex(c => c.Name).IsUnique();
        modelBuilder.Entity<AcmeCertificate>().HasOne(c => c.Account).WithMany().HasForeignKey(c => c.AcmeAccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
