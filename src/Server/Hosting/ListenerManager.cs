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
    ILogger<ListenerManager> logger,
    Logging.ActivityLog activity,
    Microsoft.Extensions.Options.IOptions<MailHostOptions> options) : IHostedService, IAsyncDisposable
{
    private readonly System.Net.IPAddress? _listenAddress =
        options.Value.ListenAddress is { Length: > 0 } a ? System.Net.IPAddress.Parse(a) : null;

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
            // Bind what is new before releasing what is gone, so a listener moved to a port another
            // process holds keeps serving on its old endpoint instead of going offline.
            var stale = _bound.Keys.Except(desired.Keys).ToHashSet();
            var keep = new HashSet<ListenerKey>();
            _failures.Clear();
            var failed = new List<ListenerSpec>();
            foreach (var spec in desired.Values)
            {
                if (_bound.TryGetValue(spec.Key, out var existing))
                {
                    existing.Spec = spec;
                }
                else if (TryBind(spec) == SocketError.AddressAlreadyInUse)
                {
                    failed.Add(spec);
                }
            }
            var newKeyById = desired.Values.ToDictionary(spec => spec.Id, spec => spec.Key);
            foreach (var spec in failed)
            {
                // One of our outgoing listeners may hold this endpoint: the same listener changing its TLS
                // mode, or another one that has just moved away. Release it then, and bind again; a holder
                // whose own move failed keeps its endpoint.
                if (stale.FirstOrDefault(k => k.EndPoint.Equals(spec.EndPoint)) is { EndPoint: not null } own
                    && (_bound[own].Spec.Id == spec.Id || (newKeyById.TryGetValue(_bound[own].Spec.Id, out var moved) && _bound.ContainsKey(moved))))
                {
                    stale.Remove(own);
                    await ReleaseAsync(own);
                    TryBind(spec);
                }
            }
            foreach (var spec in desired.Values.Where(spec => !_bound.ContainsKey(spec.Key)))
            {
                if (stale.FirstOrDefault(k => _bound[k].Spec.Id == spec.Id) is { EndPoint: not null } previous)
                {
                    keep.Add(previous);
                    _failures[spec.Id] += $"; still listening on {previous.EndPoint} with the previous setting";
                }
            }
            foreach (var key in stale.Except(keep))
            {
                await ReleaseAsync(key);
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

    private async Task ReleaseAsync(ListenerKey key)
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

    /// <summary>Binds and starts one listener; returns null, or the socket error recorded for it.</summary>
    private SocketError? TryBind(ListenerSpec spec)
    {
        try
        {
            var socket = BoundListener.Bind(spec, _listenAddress);
            var listener = new BoundListener(spec, socket, settings, _handlers, tls, tracker, logger, activity, _shutdown.Token);
            lock (_bound)
            {
                _bound[spec.Key] = listener;
            }
            listener.Start();
            HostingLog.Bound(logger, spec.Name, spec.Protocol, spec.TlsMode, spec.EndPoint.ToString());
            _failures.TryRemove(spec.Id, out _);
            return null;
        }
        catch (SocketException ex)
        {
            var error = $"{ex.SocketErrorCode}: {ex.Message}{Holder(spec, ex.SocketErrorCode)}";
            _failures[spec.Id] = error;
            HostingLog.BindFailed(logger, spec.Name, spec.EndPoint.ToString(), error);
            return ex.SocketErrorCode;
        }
    }

    /// <summary>Who holds a port we could not bind: one of our own listeners by name, or another process.</summary>
    private string Holder(ListenerSpec spec, SocketError error)
    {
        if (error != SocketError.AddressAlreadyInUse)
        {
            return "";
        }
        var ours = _bound.Values.FirstOrDefault(b => b.Spec.EndPoint.Port == spec.EndPoint.Port && b.Spec.Id != spec.Id
            && (b.Spec.EndPoint.Address.Equals(spec.EndPoint.Address) || IsAny(b.Spec.EndPoint) || IsAny(spec.EndPoint)));
        return ours is null
            ? $" (port {spec.EndPoint.Port} is held by another process)"
            : $" (port {spec.EndPoint.Port} is held by MailHost listener '{ours.Spec.Name}')";
    }

    private static bool IsAny(System.Net.IPEndPoint endPoint) =>
        endPoint.Address.Equals(System.Net.IPAddress.Any) || endPoint.Address.Equals(System.Net.IPAddress.IPv6Any);

    public async ValueTask DisposeAsync()
    {
        _registration?.Dispose();
        _rebindLock.Dispose();
        _shutdown.Dispose();
        await Task.CompletedTask;
    }
}
