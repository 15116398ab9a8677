namespace MailHost.Server.Acme;

/// <summary>Registers the ACME client side: responders, issuer, installer and the background renewer.</summary>
public static class AcmeServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostAcme(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AcmeOptions>(configuration.GetSection(Hosting.MailHostOptions.Section));
        services.AddSingleton<AcmeChallengeAnswers>();
        services.AddSingleton<Http01Responder>();
        services.AddSingleton<TlsAlpn01Responder>();
        services.AddSingleton<AcmeIssuer>();
        services.AddSingleton<AcmeInstaller>();
        services.AddSingleton<AcmeRenewer>();
        services.AddHostedService(sp => sp.GetRequiredService<AcmeRenewer>());
        return services;
    }
}
