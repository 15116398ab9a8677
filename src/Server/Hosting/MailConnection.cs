using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using MailHost.Server.Tls;

namespace MailHost.Server.Hosting;

/// <summary>
/// One accepted client: its socket, the current stream (plain or TLS), the listener it came in on,
/// and the snapshot taken at accept for connection-scoped facts.
/// </summary>
public sealed class MailConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly TlsUpgrader _tls;
    private readonly Func<MailHostSnapshot> _currentSnapshot;

    internal MailConnection(Socket socket, ListenerSpec listener, MailHostSnapshot snapshot, Func<MailHostSnapshot> currentSnapshot, TlsUpgrader tls, CancellationToken closing)
    {
        _socket = socket;
        _tls = tls;
        _currentSnapshot = currentSnapshot;
        Listener = listener;
        Snapshot = snapshot;
        Stream = new NetworkStream(socket, ownsSocket: true);
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        Closing = closing;
        Id = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()));
    }

    public string Id { get; }
    public ListenerSpec Listener { get; }

    /// <summary>Taken at accept: banner, advertised capabilities, TLS policy.</summary>
    public MailHostSnapshot Snapshot { get; }

    /// <summary>The snapshot in effect now: for transaction-scoped facts (relay, limits, accounts).</summary>
    public MailHostSnapshot CurrentSnapshot => _currentSnapshot();

    public Stream Stream { get; private set; }
    /// <summary>The client: the TCP peer, or the address a trusted load balancer named in its PROXY header.</summary>
    public IPEndPoint RemoteEndPoint { get; private set; }

    /// <summary>The load balancer that sent the PROXY header; null when the TCP peer is the client itself.</summary>
    public IPEndPoint? ProxyPeer { get; private set; }
    public IPEndPoint LocalEndPoint { get; }
    public IPAddress RemoteAddress => RemoteEndPoint.Address.IsIPv4MappedToIPv6 ? RemoteEndPoint.Address.MapToIPv4() : RemoteEndPoint.Address;
    public TlsInfo? Tls { get; private set; }

#pragma warning disable SYSLIB0039, CA5397, CA5398 // naming the legacy versions a policy may allow, not enabling them
    private static List<string> AllowedVersions(System.Security.Authentication.SslProtocols p) =>
        [.. new[] { (System.Security.Authentication.SslProtocols.Tls, "TLSv1"), (System.Security.Authentication.SslProtocols.Tls11, "TLSv1.1"), (System.Security.Authentication.SslProtocols.Tls12, "TLSv1.2"), (System.Security.Authentication.SslProtocols.Tls13, "TLSv1.3") }
            .Where(v => p.HasFlag(v.Item1)).Select(v => v.Item2)];
#pragma warning restore SYSLIB0039, CA5397, CA5398

    /// <summary>Set when a handshake (implicit TLS or STARTTLS) failed.</summary>
    public TlsFailureInfo? TlsFailure { get; private set; }

    /// <summary>Fills a TLS log row's handshake facts: ok, none, failed (implicit TLS) or STARTTLS failed.</summary>
    public void DescribeTls(TlsLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Tls is not null)
        {
            entry.Handshake = TlsHandshakeStates.Ok;
            return;
        }
        if (TlsFailure is { } f)
        {
            entry.Handshake = f.StartTls ? TlsHandshakeStates.StartTlsFailed : TlsHandshakeStates.Failed;
            entry.OfferedVersions = f.OfferedVersions;
            entry.Sni = f.ServerName;
            entry.Failure = f.Reason.Length > 500 ? f.Reason[..500] : f.Reason;
            return;
        }
        entry.Handshake = TlsHandshakeStates.None;
    }

    /// <summary>Set by the accept loop when a limit is exceeded: the handler greets with a refusal and closes.</summary>
    public ConnectionRefusal Refusal { get; internal set; }
    public bool IsSecure => Tls is not null;

    /// <summary>Cancelled when the server drains this listener or shuts down.</summary>
    public CancellationToken Closing { get; }

    /// <summary>Runs the server handshake over the current stream (implicit TLS or after STARTTLS).</summary>
    public async Task UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        var recorder = new HandshakeRecorder(Stream);
        SslStream ssl;
        try
        {
            ssl = await _tls.AuthenticateAsync(recorder, _currentSnapshot, Listener, TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
        {
            // Kept for the TLS log: which versions and name the client offered, and why it failed.
            var hello = ClientHelloInfo.TryParse(recorder.Recorded);
            var reason = (ex.InnerException?.Message is { Length: > 0 } inner ? $"{ex.Message}: {inner}" : ex.Message).ReplaceLineEndings(" ");
            // OpenSSL's error says little; the usual cause is a version the policy does not allow (alert 70).
            var allowed = AllowedVersions(TlsUpgrader.PolicyFor(_currentSnapshot(), Listener).Protocols);
            if (hello is not null && !hello.Versions.Intersect(allowed).Any())
            {
                reason = $"protocol version (alert 70): the policy allows {string.Join(" ", allowed)}; {reason}";
            }
            TlsFailure = new TlsFailureInfo(Listener.TlsMode != TlsMode.ImplicitTls, hello is null ? "" : string.Join(" ", hello.Versions), hello?.ServerName ?? "", reason);
            throw;
        }
        recorder.Stop();
        Stream = ssl;
        Tls = new TlsInfo(ssl.SslProtocol.ToString(), ssl.NegotiatedCipherSuite.ToString(), ssl.TargetHostName);
    }

    /// <summary>
    /// Takes the client address from a PROXY header that came from a trusted source. UNKNOWN / LOCAL name no
    /// client: the proxy's own address stays, so its bans and ranges apply.
    /// </summary>
    internal void UseProxyHeader(Proxy.ProxyHeader header)
    {
        if (header.Source is { } source)
        {
            ProxyPeer = RemoteEndPoint;
            RemoteEndPoint = source;
        }
    }

    /// <summary>Cuts the connection under a running session (a ban): its next read or write fails and it ends.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>COMPRESS=DEFLATE (RFC 4978): from now on the stream is compressed both ways.</summary>
    internal void StartCompression() => Stream = new Protocol.DeflateDuplexStream(Stream);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        await Stream.DisposeAsync();
        _socket.Dispose();
    }
}

/// <summary>The negotiated TLS parameters, for logs and the Received header.</summary>
public sealed record TlsInfo(string Version, string Cipher, string ServerName)
{
    public string Describe() => $"{VersionName} with cipher {Cipher}";

    public string VersionName => Version switch
    {
        "Tls13" => "TLSv1.3",
        "Tls12" => "TLSv1.2",
        "Tls11" => "TLSv1.1",
        "Tls" => "TLSv1",
        _ => Version,
    };
}

/// <summary>A failed handshake: STARTTLS or implicit, what the client offered, and the reason.</summary>
public sealed record TlsFailureInfo(bool StartTls, string OfferedVersions, string ServerName, string Reason);
