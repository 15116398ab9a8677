using MailHost.Admin.Web.Backend;

namespace MailHost.Server.AdminConsole;

/// <summary>Gives the console (which cannot reference the server) its views of the engine.</summary>
public static class ConsoleServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostConsoleBackend(this IServiceCollection services)
    {
        services.AddSingleton<ISettingsEditor, ConsoleSettingsEditor>();
        services.AddSingleton<IEngineStatus, ConsoleEngineStatus>();
        services.AddSingleton<ILiveLog, ConsoleLiveLog>();
        services.AddSingleton<IQueueAdmin, ConsoleQueueAdmin>();
        services.AddSingleton<ICertificateAdmin, ConsoleCertificateAdmin>();
        services.AddSingleton<IAdminAccounts, ConsoleAdminAccounts>();
        services.AddSingleton<IDkimAdmin, ConsoleDkimAdmin>();
        services.AddSingleton<IDnsRecordsCheck, ConsoleDnsRecordsCheck>();
        services.AddSingleton<ICertificateChangeCheck, ConsoleCertificateChangeCheck>();
        services.AddSingleton<IDiskStatus, ConsoleDiskStatus>();
        services.AddSingleton<INodeDirectory, ConsoleNodeDirectory>();
        return services;
    }
}
