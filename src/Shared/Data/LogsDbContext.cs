using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>
/// Delivery and TLS logs with their hourly counters, in data/logs.db: a file of their own, so log
/// volume never slows or bloats the configuration in settings.db. Provider-neutral model (a
/// PostgreSQL provider can take the same migrations' shape later).
/// </summary>
public class LogsDbContext(DbContextOptions<LogsDbContext> options) : DbContext(options)
{
    public DbSet<DeliveryLogEntry> DeliveryLog => Set<DeliveryLogEntry>();
    public DbSet<TlsLogEntry> TlsLog => Set<TlsLogEntry>();
    public DbSet<LogHourBucket> HourBuckets => Set<LogHourBucket>();
    public DbSet<MailAuthResultEntry> MailAuthResults => Set<MailAuthResultEntry>();
    public DbSet<DmarcReportSentEntry> DmarcReportsSent => Set<DmarcReportSentEntry>();
    public DbSet<DmarcReceivedRecord> DmarcReceived => Set<DmarcReceivedRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<DeliveryLogEntry>().HasIndex(e => e.TimeUtc);
        modelBuilder.Entity<DeliveryLogEntry>().HasIndex(e => e.MessageId);
        modelBuilder.Entity<DeliveryLogEntry>().HasIndex(e => e.QueueId);
        modelBuilder.Entity<TlsLogEntry>().HasIndex(e => e.TimeUtc);
        modelBuilder.Entity<MailAuthResultEntry>().HasIndex(e => e.TimeUtc);
        modelBuilder.Entity<MailAuthResultEntry>().HasIndex(e => e.QueueId);
        modelBuilder.Entity<MailAuthResultEntry>().HasIndex(e => e.MessageId);
        modelBuilder.Entity<DmarcReportSentEntry>().HasIndex(e => e.EndUtc);
        modelBuilder.Entity<DmarcReceivedRecord>().HasIndex(e => e.ReceivedUtc);
        modelBuilder.Entity<DmarcReceivedRecord>().HasIndex(e => new { e.PolicyDomain, e.SourceIp });
        modelBuilder.Entity<LogHourBucket>().HasIndex(b => new { b.HourUtc, b.Kind, b.Listener, b.Key }).IsUnique();
    }
}
