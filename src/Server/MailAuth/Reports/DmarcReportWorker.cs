using MailHost.Server.Logging;
using Microsoft.Extensions.Options;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>Runs <see cref="DmarcReportSender"/> once per MailHost:DmarcReports:IntervalSeconds while sending is on; a failed run is logged and the next one covers its period.</summary>
public sealed class DmarcReportWorker(DmarcReportSender sender, IOptions<DmarcReportOptions> options, TimeProvider time, ILogger<DmarcReportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Send)
        {
            return;
        }
        var interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.IntervalSeconds));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stoppingToken);
                try
                {
                    await sender.RunAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    DmarcReportLog.RunFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
