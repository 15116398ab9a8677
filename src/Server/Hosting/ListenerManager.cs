using System.Collections.Concurrent;
using System.Net.Sockets;
using MailHost.Server.Logging;
using MailHost.Server.Settings;
using MailHost.Server.Tls;

namespace MailHost.Server.Hosting;

/// <summary>
/// Binds the listeners of the current snapshot and follows it: unchanged listeners are untouched,
/// removed ones stop accepting while their sessions finish, added ones bind, and a failed bind is
/// recorded for that listener only.
/// </summary>
public sealed class ListenerManager(
    SettingsSnapshotProvider settings,
    IEnumerable<IConnectionHandler> handlers,
    TlsUpgrader tls,
    ConnectionTracker tracker,
    StatusFile statusFile,
    ILogger<ListenerManager> logger) : IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _rebindLock = new(1, 1);
    private readonly Dictionary<ListenerKey, BoundListener> _bound = [];
    private readonly ConcurrentDictionary<int, string> _failures = new();
    private readonly IReadOnlyList<IConnectionHandler> _handlers = [.. handlers];
    private readonly CancellationTokenSource _shutdown = new();
    private IDisposable? _registration;
    private long _appliedRevision = -1;

    /// <summary>The revision whose listeners are bound now; the console waits for it to say "applied".</summary>
    public long AppliedRevision => Interlocked.Read(ref _appliedRevision);

    public async Task StartAsync(CancellationToken cancellationToken) => await RebindAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _registration?.Dispose();
        await _rebindLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var listener in _bound.Values)
            {
                await listener.UnbindAsync();
                listener.Dispose();
            }
            _bound.Clear();
            await _shutdown.CancelAsync();
        }
        finally
        {
            _rebindLock.Release();
        }
    }

    public IReadOnlyList<ListenerStatus> Status()
    {
        var snapshot = settings.Current;
        lock (_bound)
        {
            return [.. snapshot.Listeners.Select(spec =>
            {
                if (_bound.TryGetValue(spec.Key, out var bound))
                {
                    return new ListenerStatus(spec.Id, spec.Name, spec.Protocol, spec.EndPoint.ToString(), spec.TlsMode, ListenerState.Bound, null, bound.Connections, snapshot.Revision);
                }
                return new ListenerStatus(spec.Id, spec.Name, spec.Protocol, spec.EndPoint.ToString(), spec.TlsMode, ListenerState.Failed,
                    _failures.GetValueOrDefault(spec.Id, "not bound"), 0, snapshot.Revision);
            })];
        }
    }

    private async Task RebindAsync(CancellationToken cancellationToken)
    {
        await _rebindLock.WaitAsync(cancellationToken);
        var snapshot = settings.Current;
        try
        {
            var desired = snapshot.Listeners.GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.First());
            foreach (var key in _bound.Keys.Except(desired.Keys).ToList())
            {
                var listener = _bound[key];
                lock (_bound)
                {
                    _bound.Remove(key);
                }
                await listener.UnbindAsync();
                listener.Dispose();
                HostingLog.Unbound(logger, listener.Spec.Name, key.EndPoint.ToString());
            }
            _failures.Clear();
            foreach (var spec in desired.Values)
            {
                if (_bound.TryGetValue(spec.Key, out var existing))
                {
                    existing.Spec = spec;
                    continue;
                }
                TryBind(spec);
            }
            Interlocked.Exchange(ref _appliedRevision, snapshot.Revision);
        }
        finally
        {
            _registration?.Dispose();
            _registration = settings.GetChangeToken().RegisterChangeCallback(static s => _ = ((ListenerManager)s!).OnSettingsChangedAsync(), this);
            _rebindLock.Release();
        }
        statusFile.Write(Status());
    }

    private async Task OnSettingsChangedAsync()
    {
        try
        {
            await RebindAsync(_shutdown.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void TryBind(ListenerSpec spec)
    {
        try
        {
            var socket = BoundListener.Bind(spec);
            var listener = new BoundListener(spec, socket, settings, _handlers, tls, tracker, logger, _shutdown.Token);
            lock (_bound)
            {
                _bound[spec.Key] = listener;
            }
            listener.Start();
            HostingLog.Bound(logger, spec.Name, spec.Protocol, spec.TlsMode, spec.EndPoint.ToString());
        }
        catch (SocketException ex)
        {
            var error = $"{ex.SocketErrorCode}: {ex.Message}";
            _failures[spec.Id] = error;
            HostingLog.BindFailed(logger, spec.Name, spec.EndPoint.ToString(), error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _registration?.Dispose();
        _rebindLock.Dispose();
        _shutdown.Dispose();
        await Task.CompletedTask;
    }
}
