using MailHost.Server.Hosting;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Delivery;

/// <summary>
/// Refreshes cached MTA-STS policies in the background before they expire (RFC 8461 §5.1), so a domain whose
/// policy host is briefly down keeps its policy and a changed `_mta-sts` id is noticed without waiting for mail.
/// Survives every error: the next pass tries again.
/// </summary>
public sealed class MtaStsRefreshWorker(
    MtaStsResolver resolver, MtaStsPolicyStore store, IOptions<DeliveryOptions> options, TimeProvider time, ILogger<MtaStsRefreshWorker> logger) : BackgroundService
{
    private const int DomainsPerPass = 1000;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.MtaStsRefreshSeconds)), time, passAtStart: false,
            RunOnceAsync, ex => MtaStsLog.RefreshPassFailed(logger, ex), stoppingToken);

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var domain in await store.DomainsToCheckAsync(time.GetUtcNow().UtcDateTime, DomainsPerPass, cancellationToken))
        {
            var (_, failure) = await resolver.RefreshAsync(domain, cancellationToken);
            if (failure is not null)
            {
                MtaStsLog.RefreshFailed(logger, domain, failure.Message);
            }
            await store.MarkCheckedAsync(domain, time.GetUtcNow().UtcDateTime, cancellationToken);
        }
    }
}
