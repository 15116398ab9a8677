using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using MailHost.Server.Logging;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Dns;

/// <summary>
/// <see cref="IDnsResolver"/> on DnsClient's <see cref="LookupClient"/>: UDP with EDNS0 and the DO bit
/// (RFC 3225, so a validating resolver's AD bit comes back), TCP when truncated, positive answers cached
/// by DnsClient for their TTL. What MailHost adds on top: the server order and failover rule below,
/// and RFC 2308 negative caching (<see cref="NegativeAnswerCache"/>).
/// </summary>
public sealed class DnsResolver : IDnsResolver
{
    private readonly IReadOnlyList<IPEndPoint> _servers;
    private readonly int _attempts;
    private readonly LookupClient _client;
    private readonly NegativeAnswerCache _negative;
    private readonly ILogger<DnsResolver> _logger;

    public DnsResolver(IOptions<DnsResolverOptions> options, TimeProvider time, ILogger<DnsResolver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _servers = DnsServerList.Resolve(options.Value.DnsServers);
        _attempts = Math.Max(1, options.Value.DnsAttempts);
        _client = new LookupClient(new LookupClientOptions([.. _servers])
        {
            Timeout = TimeSpan.FromMilliseconds(Math.Max(100, options.Value.DnsTimeoutMilliseconds)),
            // One try per server per round; the rounds are ours (below).
            Retries = 0,
            UseRandomNameServer = false,
            // NXDOMAIN and NODATA are answers, not reasons to ask the next server; SERVFAIL/REFUSED come back
            // to us as responses so that we move on (DnsClient's ContinueOnDnsError would also skip an NXDOMAIN).
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            ThrowDnsErrors = false,
            UseCache = true,
            CacheFailedResults = false,
            MaximumCacheTimeout = TimeSpan.FromHours(6),
            RequestDnsSecRecords = true,
            ExtendedDnsBufferSize = 1232,
            UseTcpFallback = true,
            EnableAuditTrail = false,
        });
        _negative = new NegativeAnswerCache(time);
        _logger = logger;
    }

    public IReadOnlyList<IPEndPoint> Servers => _servers;

    /// <summary>The configured DnsClient instance, for code that works on DnsClient types (e.g. MimeKit's DKIM key locator).</summary>
    public ILookupClient Client => _client;

    public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.TrimEnd('.').ToLowerInvariant();
        if (_negative.TryGet(name, type, out var cached))
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
                    var response = await _client.QueryServerAsync([new NameServer(server)], name, (QueryType)(ushort)type, QueryClass.IN, cancellationToken);
                    var code = (DnsResponseCode)(int)response.Header.ResponseCode;
                    if (code is DnsResponseCode.NoError or DnsResponseCode.NameError)
                    {
                        var answer = new DnsAnswer(code, [.. response.Answers.Where(r => (ushort)r.RecordType == (ushort)type).Select(DnsRecordMapper.Map)], response.Header.IsAuthenticData);
                        if (answer.Records.IsEmpty)
                        {
                            _negative.Put(name, type, answer, NegativeTtl(response));
                        }
                        return answer;
                    }
                    last = new DnsException($"{server} answered {code} for {name} {type}");
                }
                catch (Exception ex) when (ex is DnsResponseException or SocketException or TimeoutException or IOException
                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    last = ex;
                }
                DnsLog.ServerFailed(_logger, server.ToString(), name, type.ToString(), last?.Message ?? "");
            }
        }
        throw new DnsException($"no DNS server answered {name} {type}: {last?.Message}", last);
    }

    /// <summary>RFC 2308 §5: the SOA in the authority section gives the negative TTL, min(SOA TTL, SOA MINIMUM); no SOA, no caching.</summary>
    private static TimeSpan? NegativeTtl(IDnsQueryResponse response)
    {
        var soa = response.Authorities.SoaRecords().FirstOrDefault();
        return soa is null ? null : TimeSpan.FromSeconds(Math.Min((uint)Math.Max(0, soa.TimeToLive), soa.Minimum));
    }
}
