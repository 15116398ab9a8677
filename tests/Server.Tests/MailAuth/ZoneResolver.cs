using System.Collections.Immutable;
using System.Net;
using MailHost.Server.Dns;

namespace MailHost.Server.Tests.MailAuth;

/// <summary>
/// A FAKE resolver standing in for DNS in unit tests: answers from an in-memory zone (name → records),
/// NXDOMAIN for unknown names, <see cref="DnsException"/> for names marked as timing out. It follows one
/// CNAME like a recursive resolver would. Integration tests use a real DNS server (dnsmasq) instead.
/// </summary>
internal sealed class ZoneResolver : IDnsResolver
{
    private readonly Dictionary<string, List<DnsRecord>> _zone = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(string, DnsRecordType?)> _timeouts = [];

    public int Queries { get; private set; }

    public ZoneResolver Add(DnsRecord record)
    {
        var name = record.Name.TrimEnd('.');
        if (!_zone.TryGetValue(name, out var list))
        {
            _zone[name] = list = [];
        }
        list.Add(record);
        return this;
    }

    public ZoneResolver Txt(string name, params string[] strings) => Add(new TxtRecord(name, 300, [.. strings]));

    public ZoneResolver A(string name, string address) =>
        Add(new AddressRecord(name, IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? DnsRecordType.A : DnsRecordType.Aaaa, 300, IPAddress.Parse(address)));

    public ZoneResolver Mx(string name, ushort preference, string exchange) => Add(new MxRecord(name, 300, preference, exchange.TrimEnd('.')));

    public ZoneResolver Name(string name, DnsRecordType type, string target) => Add(new NameRecord(name, type, 300, target.TrimEnd('.')));

    /// <summary>The name exists (it is in the zone) but has no records yet.</summary>
    public ZoneResolver Exists(string name)
    {
        var key = name.TrimEnd('.');
        if (!_zone.ContainsKey(key))
        {
            _zone[key] = [];
        }
        return this;
    }

    /// <summary>Questions for this name (of this type, or of any type when null) time out.</summary>
    public ZoneResolver Timeout(string name, DnsRecordType? type = null)
    {
        Exists(name);
        _timeouts.Add((name.TrimEnd('.').ToLowerInvariant(), type));
        return this;
    }

    public Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        Queries++;
        return Task.FromResult(Answer(name.TrimEnd('.'), type, followCname: true));
    }

    private DnsAnswer Answer(string name, DnsRecordType type, bool followCname)
    {
        var key = name.ToLowerInvariant();
        if (_timeouts.Contains((key, type)) || _timeouts.Contains((key, null)) && !HasType(key, type))
        {
            throw new DnsException($"fake DNS: {name} {type} timed out");
        }
        if (!_zone.TryGetValue(key, out var records))
        {
            return new DnsAnswer(DnsResponseCode.NameError, []);
        }
        var found = records.Where(r => r.Type == type).ToImmutableArray();
        if (found.IsEmpty && followCname && type != DnsRecordType.Cname && records.OfType<NameRecord>().FirstOrDefault(r => r.Type == DnsRecordType.Cname) is { } cname)
        {
            var target = Answer(cname.Target, type, followCname: false);
            return new DnsAnswer(target.ResponseCode == DnsResponseCode.NameError ? DnsResponseCode.NoError : target.ResponseCode, target.Records);
        }
        return new DnsAnswer(DnsResponseCode.NoError, found);
    }

    private bool HasType(string key, DnsRecordType type) => _zone.TryGetValue(key, out var r) && r.Any(x => x.Type == type);
}
