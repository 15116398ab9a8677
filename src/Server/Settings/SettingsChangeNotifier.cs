using Microsoft.Extensions.Primitives;

namespace MailHost.Server.Settings;

/// <summary>Hands out change tokens that fire when settings were committed in this process.</summary>
public sealed class SettingsChangeNotifier : IDisposable
{
    private CancellationTokenSource _cts = new();

    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _cts).Token);

    public void NotifyChanged()
    {
        var previous = Interlocked.Exchange(ref _cts, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    public void Dispose() => _cts.Dispose();
}
