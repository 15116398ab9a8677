using MailHost.Server.Hosting;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using MailHost.Shared.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace MailHost.Server.Settings;

/// <summary>
/// Holds the current immutable snapshot. Reloads when this process commits (notifier) and when the
/// stored revision moves (polling, for the CLI and other processes). Invalid stored settings keep the
/// old snapshot.
/// </summary>
public sealed class SettingsSnapshotProvider(
    IDbContextFactory<MailHostDbContext> dbFactory,
    SettingsChangeNotifier notifier,
    IOptions<MailHostOptions> options,
    ILogger<SettingsSnapshotProvider> logger) : BackgroundService
{
    private MailHostSnapshot _current = MailHostSnapshot.Empty;
    private CancellationTokenSource _changed = new();
    private readonly SemaphoreSlim _reloadLock = new(1, 1);

    public MailHostSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Fires once when a new snapshot replaces the current one.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    /// <summary>Why the last reload was refused, if it was; shown by status.</summary>
    public IReadOnlyList<SettingsError> LastErrors { get; private set; } = [];

    public async Task<bool> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloadLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var revision = await db.ServerSettings.AsNoTracking().OrderBy(s => s.Id).Select(s => s.Revision).FirstOrDefaultAsync(cancellationToken);
            if (revision == Current.Revision && Current != MailHostSnapshot.Empty)
            {
                return false;
            }
            var data = await SettingsData.LoadAsync(db, tracking: false, cancellationToken);
            var next = SnapshotBuilder.TryBuild(data, out var errors);
            if (next is null)
            {
                LastErrors = errors;
                SettingsLog.InvalidSettingsKept(logger, revision, string.Join("; ", errors));
                return false;
            }
            LastErrors = [];
            Volatile.Write(ref _current, next);
            var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
            await previous.CancelAsync();
            previous.Dispose();
            SettingsLog.SnapshotLoaded(logger, next.Revision);
            return true;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.RevisionPollMilliseconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var local = notifier.GetChangeToken();
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var registration = local.RegisterChangeCallback(static s => ((CancellationTokenSource)s!).Cancel(), wake);
            try
            {
                await Task.Delay(interval, wake.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Woken by a local commit: reload at once.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SettingsLog.ReloadFailed(logger, ex);
            }
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        _reloadLock.Dispose();
        base.Dispose();
    }
}
