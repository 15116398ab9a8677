using System.Net.Security;

namespace MailHost.Server.Imap;

/// <summary>Sends TLS close_notify before the socket closes, so clients (openssl, curl) see a clean end instead of a truncation.</summary>
internal static class TlsClose
{
    public static async Task ShutdownAsync(Stream stream)
    {
        if (stream is not SslStream ssl)
        {
            return;
        }
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await ssl.ShutdownAsync().WaitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException or NotSupportedException)
        {
            // The peer may be gone already: nothing to tell it.
        }
    }
}
