using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Shared.Postgres;

/// <summary>
/// Tables only a cluster needs, in the shared PostgreSQL database: the nodes' heartbeats, files every
/// node must hold (certificate PFX files), and the console's Data Protection keys (so a sign-in cookie
/// made by one node is read by every other). Not used with SQLite, so the single-node schema is unchanged.
/// </summary>
public class ClusterDbContext(DbContextOptions<ClusterDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<ClusterNode> Nodes => Set<ClusterNode>();
    public DbSet<SharedFile> SharedFiles => Set<SharedFile>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<ClusterNode>().HasKey(n => n.Name);
        modelBuilder.Entity<SharedFile>().HasKey(f => f.Path);
    }
}

/// <summary>One MailHost process on the shared database, as its heartbeat last wrote it.</summary>
public class ClusterNode
{
    public string Name { get; set; } = "";

    /// <summary>MailHost:ListenAddress, or "any".</summary>
    public string Address { get; set; } = "";
    public string Version { get; set; } = "";
    public int ProcessId { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime LastSeenUtc { get; set; }

    /// <summary>"name proto endpoint state" per listener, one a line.</summary>
    public string Listeners { get; set; } = "";
}

/// <summary>A file under the data folder that every node needs (path relative to the data folder, e.g. certs/x.pfx).</summary>
public class SharedFile
{
    public string Path { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public DateTime StoredUtc { get; set; }
}
