using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Data;

/// <summary>
/// Delivery and TLS logs with their hourly counters, plus engine state that is not configuration (the
/// MTA-STS policy cache, the TLS-RPT counts), in data/logs.db: a file of their own, so log
/// volume never slows or bloats the configuration in settings.db. Provider-neutral model (a
/// PostgreSQL provider can take the same migrations' shape later).
/// </summary>
public class LogsDbContext(DbContextOptions<LogsDbContext> options) : DbContext(options)
{
    public DbSet<DeliveryLogEntry> DeliveryLog => Set<DeliveryLogEntry>();
    public DbSet<TlsLogEntry> TlsLog => Set<TlsLogEntry>();
    public DbSet<LogHourBucket> HourBuckets => Set<LogHourBucket>();
    public DbSet<MailAuthResultEntry> MailAuthResults => Set<MailAuthResultEntry>();
    public DbSet<MtaStsPolicyCacheEntry> MtaStsPolicies => Set<MtaStsPolicyCacheEntry>();
    public DbSet<TlsReportCounter> TlsReportCounters => Set<TlsReportCounter>();
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
        modelBuilder.Entity<MtaStsPolicyCacheEntry>().HasKey(e => e.Domain);
        modelBuilder.Entity<MtaStsPolicyCacheEntry>().HasIndex(e => e.ExpiresUtc);
        // The upsert key of a counter (see TlsReportCounter): long policy text stays out of the index.
        modelBuilder.Entity<TlsReportCounter>().HasIndex(c => new
        {
            c.PeriodStartUtc,
            c.PolicyDomain,
            c.PolicyHash,
            c.ResultType,
            c.ReceivingMxHost,
            c.ReceivingIp,
            c.SendingIp,
            c.FailureReason,
        }).IsUnique().HasDatabaseName("IX_TlsReportCounters_Key");
    }
}
