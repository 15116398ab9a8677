using DnsClient;
using MailHost.Server.Dkim;
using MailHost.Server.Dns;
using MailHost.Server.Hosting;
using MailHost.Server.Queue;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Delivery;

/// <summary>Registers outbound delivery: DNS resolver, SMTP client attempt, DKIM signing, bounces and the remote worker.</summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(MailHostOptions.Section);
        services.AddOptions<DnsResolverOptions>().BindConfiguration(MailHostOptions.Section);
        services.AddSingleton<DnsResolver>();
        services.AddSingleton<IDnsResolver>(sp => sp.GetRequiredService<DnsResolver>());
        // The same DnsClient instance (servers, DO bit, cache) for code that takes DnsClient types.
        services.TryAddSingleton<ILookupClient>(sp => sp.GetRequiredService<DnsResolver>().Client);
        services.AddSingleton<OutboundTlsVerifier>();
        services.AddSingleton(sp => new MtaStsFetcher(
            sp.GetRequiredService<IDnsResolver>(), sp.GetRequiredService<OutboundTlsVerifier>(), sp.GetRequiredService<IOptions<DeliveryOptions>>().Value));
        services.AddSingleton<MtaStsPolicyStore>();
        services.AddSingleton(sp => new MtaStsResolver(
            sp.GetRequiredService<IDnsResolver>(), sp.GetRequiredService<MtaStsFetcher>(), TimeProvider.System,
            sp.GetRequiredService<MtaStsPolicyStore>(), sp.GetRequiredService<ILogger<MtaStsResolver>>()));
        services.AddHostedService<MtaStsRefreshWorker>();
        // TLS-RPT (RFC 8460): outcome counts, and the daily report to the domains' rua.
        services.AddSingleton<TlsOutcomeRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<TlsOutcomeRecorder>());
        services.AddSingleton<TlsReportMailer>();
        services.AddSingleton(sp => new TlsReportPoster(
            sp.GetRequiredService<IDnsResolver>(), sp.GetRequiredService<OutboundTlsVerifier>(), sp.GetRequiredService<IOptions<DeliveryOptions>>().Value));
        services.AddSingleton<TlsReportWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<TlsReportWorker>());
        services.AddSingleton(sp => new SmtpDeliveryAttempt(
            sp.GetRequiredService<IDnsResolver>(), sp.GetRequiredService<OutboundTlsVerifier>(), sp.GetRequiredService<IOptions<DeliveryOptions>>().Value,
            sp.GetRequiredService<MtaStsResolver>(), sp.GetRequiredService<TlsOutcomeRecorder>()));
        services.AddSingleton<DkimMessageSigner>();
        services.AddSingleton<BounceSender>();
        services.AddSingleton<RemoteDeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RemoteDeliveryWorker>());
        return services;
    }
}
