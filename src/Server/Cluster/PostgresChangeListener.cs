using MailHost.Server.Auth;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Shared.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MailHost.Server.Cluster;

/// <summary>
/// LISTENs on a dedicated connection for the NOTIFYs the triggers send when settings or bans commit on
/// any node (ClusterDatabase), and wakes this node's reload at once. When the connection drops it
/// reconnects with a growing backoff (up to 30 s) and reloads once, for what it missed; the revision
/// polling of <see cref="SettingsSnapshotProvider"/> keeps running underneath as the fallback.
/// </summary>
public sealed class PostgresChangeListener(
    IOptions<MailHostOptions> options,
    SettingsChangeNotifier notifier,
    AuthThrottle throttle,
    IDbContextFactory<ClusterDbContext> clusterFactory,
    ILogger<PostgresChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private long _notifications;

    /// <summary>Notifications received (for the Nodes view and tests).</summary>
    public long Notifications => Interlocked.Read(ref _notifications);

    public bool Connected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(options.Value.Database.RequirePostgresConnectionString());
                connection.Notification += OnNotification;
                await connection.OpenAsync(stoppingToken);
                await using (var cmd = new NpgsqlCommand($"LISTEN {ClusterDatabase.SettingsChannel}; LISTEN {ClusterDatabase.BansChannel};", connection))
                {
                    await cmd.ExecuteNonQueryAsync(stoppingToken);
                }
                Connected = true;
                backoff = TimeSpan.FromMilliseconds(250);
                ClusterLog.Listening(logger);
                // Whatever committed while we were not listening.
                await SyncFilesAsync(stoppingToken);
                throttle.InvalidateBans();
                notifier.NotifyChanged();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Connected = false;
                ClusterLog.ListenFailed(logger, backoff.TotalSeconds, ex);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        Interlocked.Increment(ref _notifications);
        if (e.Channel == ClusterDatabase.BansChannel)
        {
            throttle.InvalidateBans();
            return;
        }
        notifier.NotifyChanged();
    }

    private async Task SyncFilesAsync(CancellationToken cancellationToken)
    {
        await using var db = await clusterFactory.CreateDbContextAsync(cancellationToken);
        await SharedCertificateFiles.SyncAsync(db, options.Value.FullDataDir, cancellationToken);
    }
}
