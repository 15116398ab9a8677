using System.Net;

namespace MailHost.Server.Dns;

/// <summary>The name servers to ask: configured ones, or the `nameserver` lines of /etc/resolv.conf.</summary>
public static class ResolvConf
{
    public static IReadOnlyList<IPEndPoint> Servers(string? configured, string path = "/etc/resolv.conf")
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return [.. configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseEndPoint)];
        }
        var list = new List<IPEndPoint>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1].Split('%')[0], out var ip))
                {
                    list.Add(new IPEndPoint(ip, 53));
                }
            }
        }
        if (list.Count == 0)
        {
            list.Add(new IPEndPoint(IPAddress.Loopback, 53));
        }
        return list;
    }

    public static IPEndPoint ParseEndPoint(string text)
    {
        if (IPAddress.TryParse(text, out var bare))
        {
            return new IPEndPoint(bare, 53);
        }
        return IPEndPoint.TryParse(text, out var ep) ? ep : throw new FormatException($"'{text}' is not a DNS server address[:port]");
    }
}
