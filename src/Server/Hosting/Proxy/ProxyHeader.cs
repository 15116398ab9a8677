using System.Net;

namespace MailHost.Server.Hosting.Proxy;

/// <summary>
/// What a load balancer's PROXY header said. <see cref="Source"/> is null for `PROXY UNKNOWN`, a v2 LOCAL command
/// (health checks) or an address family we do not map (UNIX): the connection keeps the proxy's own address.
/// </summary>
public sealed record ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination);

/// <summary>A PROXY header that is missing, malformed, too long or too slow: the connection is closed without a banner.</summary>
public sealed class ProxyHeaderException(string message) : Exception(message);
