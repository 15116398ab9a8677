using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using Microsoft.Extensions.Options;

namespace MailHost.Server.MailAuth.Reports;

/// <summary>Runs <see cref="DmarcReportSender"/> once per MailHost:DmarcReports:IntervalSeconds while sending is on; a failed run is logged and the next one covers its period.</summary>
public sealed class DmarcReportWorker(DmarcReportSender sender, IOptions<DmarcReportOptions> options, TimeProvider time, ILogger<DmarcReportWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !options.Value.Send
        ? Task.CompletedTask
        : PeriodicPass.RunAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.IntervalSeconds)), time, passAtStart: false,
            sender.RunAsync, ex => DmarcReportLog.RunFailed(logger, ex), stoppingToken);
}
