using MailHost.Server.Hosting;

namespace MailHost.Server.Smtp;

/// <summary>Registers the SMTP and submission handler.</summary>
public static class SmtpServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostSmtp(this IServiceCollection services)
    {
        services.AddSingleton<IConnectionHandler, SmtpConnectionHandler>();
        return services;
    }
}
