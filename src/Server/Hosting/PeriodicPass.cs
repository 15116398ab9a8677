namespace MailHost.Server.Hosting;

/// <summary>
/// The loop of every periodic background worker (log retention, node heartbeat, MTA-STS refresh, TLS-RPT):
/// one pass per interval, and a pass that throws (disk full, a locked file, the database gone) is logged and
/// tried again next interval, so the worker never dies with the server still running.
/// </summary>
public static class PeriodicPass
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, bool passAtStart, Func<CancellationToken, Task> pass, Action<Exception> failed, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(failed);
        using var timer = new PeriodicTimer(interval, time);
        if (!passAtStart && !await timer.WaitForNextTickAsync(stoppingToken))
        {
            return;
        }
        do
        {
            try
            {
                await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
