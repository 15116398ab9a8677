using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MailHost.Server.Dns;

namespace MailHost.Server.Tests.MailAuth;

/// <summary>
/// The openspf.org RFC 7208 test suite (release 2014.04) as Debian's python3-spf ships it, read with
/// the system's Python YAML loader. Each scenario's zone data becomes a <see cref="ZoneResolver"/>
/// (a fake DNS), built the way the suite's own driver (testspf.py) does: SPF-type records stand in
/// for TXT when a name has no TXT records; "TIMEOUT" makes the question time out.
/// </summary>
internal static class OpenSpfSuite
{
    public const string SuitePath = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz";

    public sealed record Case(string Id, string Scenario, string Host, string MailFrom, string Helo, IReadOnlyList<string> Results, string? Explanation, ZoneResolver Zone);

    private static readonly Lazy<IReadOnlyList<Case>> Loaded = new(Load);

    public static IReadOnlyList<Case> Cases => Loaded.Value;

    private static List<Case> Load()
    {
        var json = ToJson();
        using var doc = JsonDocument.Parse(json);
        var cases = new List<Case>();
        foreach (var scenario in doc.RootElement.EnumerateArray())
        {
            var description = scenario.GetProperty("description").GetString() ?? "";
            foreach (var test in scenario.GetProperty("tests").EnumerateObject())
            {
                var t = test.Value;
                var results = t.GetProperty("result") is { ValueKind: JsonValueKind.Array } list
                    ? list.EnumerateArray().Select(r => r.GetString()!).ToList()
                    : [t.GetProperty("result").GetString()!];
                cases.Add(new Case(test.Name, description, t.GetProperty("host").GetString()!, t.GetProperty("mailfrom").GetString()!,
                    t.GetProperty("helo").GetString()!, results,
                    t.TryGetProperty("explanation", out var e) ? e.GetString() : null, BuildZone(scenario.GetProperty("zonedata"))));
            }
        }
        return cases;
    }

    private static string ToJson()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { "-c", "import gzip,json,sys,yaml; print(json.dumps(list(yaml.safe_load_all(gzip.open(sys.argv[1])))))", SuitePath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"python3-yaml could not read {SuitePath}: {error}");
    }

    private static ZoneResolver BuildZone(JsonElement zonedata)
    {
        var zone = new ZoneResolver();
        foreach (var name in zonedata.EnumerateObject())
        {
            zone.Exists(name.Name);
            var entries = name.Value.EnumerateArray().ToList();
            var hasTxt = entries.Any(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("TXT", out _));
            foreach (var entry in entries)
            {
                if (entry.ValueKind == JsonValueKind.String && entry.GetString() == "TIMEOUT")
                {
                    zone.Timeout(name.Name);
                    continue;
                }
                foreach (var record in entry.EnumerateObject())
                {
                    AddRecord(zone, name.Name, record.Name, record.Value, hasTxt);
                }
            }
        }
        return zone;
    }

    private static void AddRecord(ZoneResolver zone, string name, string type, JsonElement value, bool hasTxt)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() == "TIMEOUT")
        {
            zone.Timeout(name, Enum.Parse<DnsRecordType>(type == "SPF" ? "Txt" : type, ignoreCase: true));
            return;
        }
        switch (type)
        {
            case "A" or "AAAA":
                zone.A(name, value.GetString()!);
                break;
            case "MX":
                zone.Mx(name, (ushort)value[0].GetInt32(), value[1].GetString()!);
                break;
            case "PTR":
                zone.Name(name, DnsRecordType.Ptr, value.GetString()!);
                break;
            case "CNAME":
                zone.Name(name, DnsRecordType.Cname, value.GetString()!);
                break;
            case "TXT":
            case "SPF" when !hasTxt:
                string[] strings = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(s => s.GetString()!)] : [value.GetString()!];
                // "NONE" (testspf.py): the name has a record of that type in principle, but none is answered.
                if (strings is not ["NONE"])
                {
                    zone.Txt(name, strings);
                }
                break;
            case "SPF":
                // RFC 7208 §3.1 retired the SPF RR type: a name that has TXT records is read from those alone.
                break;
            default:
                throw new InvalidOperationException($"zone data type {type} not handled");
        }
    }
}
