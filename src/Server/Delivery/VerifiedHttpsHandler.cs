using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using MailHost.Server.Dns;

namespace MailHost.Server.Delivery;

/// <summary>
/// The HTTP handler of MailHost's outbound HTTPS (MTA-STS policy fetches, TLS-RPT report posts): the server
/// certificate must verify (system CAs or MailHost:OutboundTrustedCaFile), redirects are never followed
/// (RFC 8461 §3.3), no proxy or cookies, response headers capped at 16 KB, and host names resolved through
/// MailHost's own resolver like every outbound look-up.
/// </summary>
public static class VerifiedHttpsHandler
{
    public static SocketsHttpHandler Create(IDnsResolver dns, OutboundTlsVerifier verifier) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        MaxResponseHeadersLength = 16,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, chain, errors) => verifier.Check(cert, chain, errors).Verified,
        },
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await dns.ResolveAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            if (addresses.Count == 0)
            {
                throw new HttpRequestException($"{context.DnsEndPoint.Host} has no address");
            }
            var socket = new Socket(addresses[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
