using MailHost.Server.Settings;
using MailHost.Server.Smtp;
using MailHost.Server.Tls;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Hosting;

/// <summary>Registers the mail engine: settings, TLS, listeners and the protocol handlers.</summary>
public static class EngineServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostEngine(this IServiceCollection services, string dataDir) =>
        services.AddMailHostEngine(new DatabaseOptions(), dataDir);

    public static IServiceCollection AddMailHostEngine(this IServiceCollection services, DatabaseOptions database, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddDbContextFactory<MailHostDbContext>(o => MailHostDatabase.Configure(o, database, dataDir));
        services.AddDbContextFactory<LogsDbContext>(o => LogsDatabase.Configure(o, database, dataDir));
        if (database.IsPostgres)
        {
            Cluster.ClusterServiceCollectionExtensions.AddMailHostCluster(services, database.RequirePostgresConnectionString());
        }
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SettingsChangeNotifier>();
        services.AddSingleton<SettingsService>();
        services.AddSingleton<SettingsSnapshotProvider>();
        services.AddHostedService(sp => sp.GetRequiredService<SettingsSnapshotProvider>());
        services.AddSingleton<CertificateStore>();
        services.AddSingleton<TlsUpgrader>();
        services.AddSingleton<ConnectionTracker>();
        services.AddSingleton<StatusFile>();
        services.AddSingleton<Auth.CredentialVerifier>();
        services.AddSingleton<Auth.AuthThrottle>();
        services.AddSingleton<Queue.MessageSpool>();
        services.AddSingleton<Logging.ActivityLog>();
        services.AddHostedService(sp => sp.GetRequiredService<Logging.ActivityLog>());
        services.AddHostedService<Logging.LogRetentionJob>();
        services.AddMailHostSmtp();
        Storage.StorageServiceCollectionExtensions.AddMailStore(services);
        Delivery.DeliveryServiceCollectionExtensions.AddMailHostDelivery(services);
        services.AddSingleton<ListenerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenerManager>());
        return services;
    }
}
