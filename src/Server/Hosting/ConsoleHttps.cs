using System.Buffers;
using MailHost.Server.Settings;
using MailHost.Server.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MailHost.Server.Hosting;

/// <summary>
/// An https:// console URL serves the mail certificates (SNI included), so the console needs no
/// certificate of its own and takes a renewed one at its next handshake, as the mail listeners do:
/// the choice is made per handshake from the current snapshot. Kestrel hands over the ClientHello
/// bytes first; from them the handshake gets the store's certificate context (so the CA's
/// intermediates are sent, which a selector's bare certificate would not do) and a client that
/// cannot verify ECDSA gets the RSA twin of a `--key both` pair.
/// </summary>
public static class ConsoleHttps
{
    private const string HelloKey = "MailHost.Tls.ClientHello";

    // A ClientHello is one handshake message; more than a maximal record is not looked at.
    private const int HelloLimit = 5 + 16384;

    public static void Configure(HttpsConnectionAdapterOptions https, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(https);
        var store = services.GetRequiredService<CertificateStore>();
        var settings = services.GetRequiredService<SettingsSnapshotProvider>();
        https.TlsClientHelloBytesCallback = (connection, hello) =>
        {
            var bytes = hello.Length > HelloLimit ? hello.Slice(0, HelloLimit).ToArray() : hello.ToArray();
            if (ClientHelloInfo.TryParse(bytes) is { } parsed)
            {
                connection.Items[HelloKey] = parsed;
            }
        };
        // Runs after the hello callback, just before the handshake: the context replaces the selector.
        https.OnAuthenticate = (connection, ssl) =>
        {
            if (Hello(connection) is { } parsed && store.Select(settings.Current, parsed.ServerName, parsed.AcceptsEcdsa) is { } context)
            {
                ssl.ServerCertificateSelectionCallback = null;
                ssl.ServerCertificate = null;
                ssl.ServerCertificateContext = context;
            }
        };
        // Kestrel wants a selector to start an https endpoint; it is also the fallback for a hello we could not read.
        https.ServerCertificateSelector = (connection, name) =>
            store.Select(settings.Current, name, Hello(connection)?.AcceptsEcdsa ?? true)?.TargetCertificate;
    }

    private static ClientHelloInfo? Hello(ConnectionContext? connection) =>
        connection is not null && connection.Items.TryGetValue(HelloKey, out var value) ? value as ClientHelloInfo : null;
}
