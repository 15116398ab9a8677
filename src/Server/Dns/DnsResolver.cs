using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailHost.Server.Logging;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Dns;

/// <summary>
/// A stub resolver: RFC 1035 queries over UDP with EDNS0, TCP when the answer is truncated
/// (RFC 7766 §5), each server tried in turn for a number of rounds, answers cached for their TTL.
/// </summary>
public sealed class DnsResolver : IDnsResolver
{
    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;
    private readonly DnsCache _cache;
    private readonly ILogger<DnsResolver> _logger;

    public DnsResolver(IOptions<DnsResolverOptions> options, TimeProvider time, ILogger<DnsResolver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _servers = ResolvConf.Servers(options.Value.DnsServers);
        _timeout = TimeSpan.FromMilliseconds(Math.Max(100, options.Value.DnsTimeoutMilliseconds));
        _attempts = Math.Max(1, options.Value.DnsAttempts);
        _cache = new DnsCache(time);
        _logger = logger;
    }

    public IReadOnlyList<IPEndPoint> Servers => _servers;

    public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.TrimEnd('.').ToLowerInvariant();
        if (_cache.TryGet(name, type, out var cached))
        {
            return cached;
        }
        Exception? last = null;
        for (var round = 0; round < _attempts; round++)
        {
            foreach (var server in _servers)
            {
                try
                {
                    var response = await AskAsync(server, name, type, cancellationToken);
                    if (response.ResponseCode is DnsResponseCode.NoError or DnsResponseCode.NameError)
                    {
                        var answer = new DnsAnswer(response.ResponseCode, [.. response.Answers.Where(r => r.Type == type)]);
                        _cache.Put(name, type, answer);
                        return answer;
                    }
                    last = new DnsException($"{server} answered {response.ResponseCode} for {name} {type}");
                }
                catch (Exception ex) when (ex is SocketException or TimeoutException or FormatException or IOException)
                {
                    last = ex;
                }
                DnsLog.ServerFailed(_logger, server.ToString(), name, type.ToString(), last?.Message ?? "");
            }
        }
        throw new DnsException($"no DNS server answered {name} {type}: {last?.Message}", last);
    }

    private async Task<DnsResponse> AskAsync(IPEndPoint server, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(0, 65536);
        var query = DnsMessageWriter.BuildQuery(id, name, type);
        var response = await UdpAsync(server, query, id, cancellationToken);
        if (response.Truncated)
        {
            // RFC 1035 §4.2.2 / RFC 7766: retry the same question over TCP.
            response = await TcpAsync(server, query, id, cancellationToken);
        }
        return response;
    }

    private async Task<DnsResponse> UdpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        try
        {
            await socket.ConnectAsync(server, cts.Token);
            await socket.SendAsync(query, SocketFlags.None, cts.Token);
            var buffer = new byte[65535];
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                // Ignore stray datagrams whose id does not match (RFC 5452 §9.1).
                if (n >= 12 && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id)
                {
                    return DnsMessageReader.Parse(buffer.AsSpan(0, n));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{server} did not answer within {_timeout.TotalMilliseconds} ms");
        }
    }

    private async Task<DnsResponse> TcpAsync(IPEndPoint server, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout * 2);
        try
        {
            await socket.ConnectAsync(server, cts.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            // RFC 1035 §4.2.2: a two-octet length prefix.
            var framed = new byte[query.Length + 2];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
            query.CopyTo(framed, 2);
            await stream.WriteAsync(framed, cts.Token);
            var lengthBytes = new byte[2];
            await stream.ReadExactlyAsync(lengthBytes, cts.Token);
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthBytes)];
            await stream.ReadExactlyAsync(body, cts.Token);
            var response = DnsMessageReader.Parse(body);
            return response.Id == id ? response : throw new FormatException("DNS over TCP answered with another id");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{server} did not answer over TCP within {(_timeout * 2).TotalMilliseconds} ms");
        }
        catch (EndOfStreamException ex)
        {
            throw new IOException($"{server} closed the TCP connection early", ex);
        }
    }
}
