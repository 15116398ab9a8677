namespace MailHost.Server.Hosting.Proxy;

/// <summary>
/// Reads the PROXY protocol header (HAProxy's proxy-protocol.txt, v1 text or v2 binary) that a load balancer sends
/// before any client byte. It never reads past the header: the bytes after it (a TLS ClientHello, pipelined SMTP)
/// belong to the session. Every read is bounded: 107 bytes for v1, 16 + <see cref="ProxyV2.MaxPayload"/> for v2.
/// </summary>
public static class ProxyHeaderReader
{
    /// <summary>A load balancer writes the header at once when it connects; a peer that dribbles it is cut off.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Every valid header is at least 15 bytes ("PROXY UNKNOWN\r\n"), so 12 are always safe to read first.</summary>
    private const int Probe = 12;

    public static async Task<ProxyHeader> ReadAsync(Stream stream, ProxyProtocolMode mode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var probe = new byte[Probe];
            await ReadExactlyAsync(stream, probe, deadline.Token);
            if (ProxyV2.HasSignature(probe))
            {
                return mode is ProxyProtocolMode.V2 or ProxyProtocolMode.Any
                    ? await ProxyV2.ReadAsync(stream, deadline.Token)
                    : throw new ProxyHeaderException("a v2 PROXY header on a v1 listener");
            }
            if (ProxyV1.HasSignature(probe))
            {
                return mode is ProxyProtocolMode.V1 or ProxyProtocolMode.Any
                    ? await ProxyV1.ReadAsync(stream, probe, deadline.Token)
                    : throw new ProxyHeaderException("a v1 PROXY header on a v2 listener");
            }
            throw new ProxyHeaderException("no PROXY header");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProxyHeaderException($"no complete PROXY header within {timeout.TotalSeconds:0.#} s");
        }
    }

    internal static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new ProxyHeaderException("the connection closed inside the PROXY header");
        }
    }
}
