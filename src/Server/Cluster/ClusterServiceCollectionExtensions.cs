using MailHost.Shared.Postgres;
using Microsoft.AspNetCore.DataProtection;

namespace MailHost.Server.Cluster;

/// <summary>What a node adds when its database is PostgreSQL (MailHost:Database:Provider=Postgres).</summary>
public static class ClusterServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostCluster(this IServiceCollection services, string connectionString)
    {
        // The factory also registers ClusterDbContext as scoped, which Data Protection's key store resolves.
        services.AddDbContextFactory<ClusterDbContext>(o => ClusterDatabase.Configure(o, connectionString));
        services.AddSingleton<PostgresChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeListener>());
        services.AddSingleton<NodeHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeat>());
        return services;
    }

    /// <summary>
    /// The console's Data Protection keys in the shared database, under one application name: a sign-in
    /// cookie (and antiforgery token) made by one node is read by every node, whatever its content root.
    /// </summary>
    public static IServiceCollection AddSharedDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("MailHost").PersistKeysToDbContext<ClusterDbContext>();
        return services;
    }
}
