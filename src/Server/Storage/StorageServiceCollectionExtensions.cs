using MailHost.Server.Imap;
using MailHost.Server.Pop3;
using MailHost.Server.Queue;

namespace MailHost.Server.Storage;

/// <summary>Registers the message store, local delivery and the IMAP and POP3 handlers.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddMailStore(this IServiceCollection services)
    {
        services.AddSingleton<IMessageCacheBuilder, FetchCacheBuilder>();
        services.AddSingleton<MailStore>();
        services.AddSingleton<DiskSpaceGuard>();
        services.AddSingleton<IMailboxDelivery, MailboxDelivery>();
        services.AddHostedService<StoreStartup>();
        services.AddHostedService<LocalDeliveryWorker>();
        services.AddSingleton<Hosting.IConnectionHandler, ImapConnectionHandler>();
        services.AddSingleton<Hosting.IConnectionHandler, Pop3ConnectionHandler>();
        return services;
    }
}

/// <summary>Runs store recovery at start-up, before listeners take sessions.</summary>
internal sealed class StoreStartup(MailStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
