namespace MailHost.Server.Tls;

/// <summary>
/// The versions and server name a client offered, read from the first bytes of its ClientHello
/// (RFC 8446 §4.1.2, supported_versions §4.2.1, server_name RFC 6066 §3) — what SslStream does not
/// report when the handshake fails. Reads one record only, bounded by the bytes given.
/// </summary>
public sealed record ClientHelloInfo(IReadOnlyList<string> Versions, string ServerName)
{
    public static ClientHelloInfo? TryParse(ReadOnlySpan<byte> data)
    {
        // TLS record: type 22 (handshake), version, length; handshake type 1 (ClientHello).
        if (data.Length < 9 || data[0] != 22 || data[5] != 1)
        {
            return null;
        }
        var end = Math.Min(data.Length, 5 + ((data[3] << 8) | data[4]));
        var p = 9;
        if (p + 2 + 32 > end)
        {
            return null;
        }
        var legacyVersion = (data[p] << 8) | data[p + 1];
        p += 2 + 32;
        if (!Skip(data, ref p, end, 1) || !Skip(data, ref p, end, 2) || !Skip(data, ref p, end, 1))
        {
            return new ClientHelloInfo([Name(legacyVersion)], "");
        }
        var versions = new List<string>();
        var sni = "";
        if (p + 2 <= end)
        {
            var extEnd = Math.Min(end, p + 2 + ((data[p] << 8) | data[p + 1]));
            p += 2;
            while (p + 4 <= extEnd)
            {
                var type = (data[p] << 8) | data[p + 1];
                var len = (data[p + 2] << 8) | data[p + 3];
                var body = p + 4;
                p = body + len;
                if (p > extEnd)
                {
                    break;
                }
                if (type == 0x002b && len >= 1)
                {
                    for (var i = body + 1; i + 1 < body + 1 + data[body] && i + 1 < p; i += 2)
                    {
                        var v = (data[i] << 8) | data[i + 1];
                        // GREASE values (RFC 8701) look like 0x?a?a: not versions.
                        if ((v & 0x0f0f) != 0x0a0a)
                        {
                            versions.Add(Name(v));
                        }
                    }
                }
                else if (type == 0x0000 && len >= 5 && data[body + 2] == 0)
                {
                    var nameLen = (data[body + 3] << 8) | data[body + 4];
                    if (body + 5 + nameLen <= p && nameLen <= 255)
                    {
                        sni = System.Text.Encoding.ASCII.GetString(data.Slice(body + 5, nameLen));
                    }
                }
            }
        }
        if (versions.Count == 0)
        {
            versions.Add(Name(legacyVersion));
        }
        return new ClientHelloInfo(versions, sni);
    }

    private static bool Skip(ReadOnlySpan<byte> data, ref int p, int end, int lengthBytes)
    {
        if (p + lengthBytes > end)
        {
            return false;
        }
        var len = lengthBytes == 1 ? data[p] : (data[p] << 8) | data[p + 1];
        p += lengthBytes + len;
        return p <= end;
    }

    public static string Name(int version) => version switch
    {
        0x0304 => "TLSv1.3",
        0x0303 => "TLSv1.2",
        0x0302 => "TLSv1.1",
        0x0301 => "TLSv1",
        0x0300 => "SSLv3",
        _ => $"0x{version:x4}",
    };
}
