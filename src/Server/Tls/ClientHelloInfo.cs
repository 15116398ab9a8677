namespace MailHost.Server.Tls;

/// <summary>
/// The versions and server name a client offered, read from the first bytes of its ClientHello
/// (RFC 8446 §4.1.2, supported_versions §4.2.1, server_name RFC 6066 §3) — what SslStream does not
/// report when the handshake fails — and whether it can verify an ECDSA P-256 certificate, which
/// SslStream's hello info does not tell either (it picks between the ECDSA and RSA certificate of
/// `--key both`). Reads one record only, bounded by the bytes given.
/// </summary>
public sealed record ClientHelloInfo(IReadOnlyList<string> Versions, string ServerName)
{
    // TLS 1.2 suites authenticated by ECDSA (RFC 8422, 5289, 7905, 7251): a TLS 1.2 client needs one of them.
    private static readonly HashSet<int> EcdsaSuites = [0xc009, 0xc00a, 0xc023, 0xc024, 0xc02b, 0xc02c, 0xcca9, 0xc0ac, 0xc0ad, 0xc0ae, 0xc0af];

    /// <summary>
    /// True unless the hello rules out an ECDSA P-256 certificate: its signature_algorithms (RFC 8446
    /// §4.2.3) lack ecdsa_secp256r1_sha256, or it offers neither TLS 1.3 nor a TLS 1.2 ECDSA suite.
    /// </summary>
    public bool AcceptsEcdsa { get; init; } = true;

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
        if (!Skip(data, ref p, end, 1))
        {
            return new ClientHelloInfo([Name(legacyVersion)], "");
        }
        var suitesStart = p + 2;
        if (!Skip(data, ref p, end, 2))
        {
            return new ClientHelloInfo([Name(legacyVersion)], "");
        }
        var suitesEnd = p;
        if (!Skip(data, ref p, end, 1))
        {
            return new ClientHelloInfo([Name(legacyVersion)], "");
        }
        var ecdsaSuite = false;
        for (var i = suitesStart; i + 1 < suitesEnd; i += 2)
        {
            ecdsaSuite |= EcdsaSuites.Contains((data[i] << 8) | data[i + 1]);
        }
        bool? ecdsaSignature = null;
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
                else if (type == 0x000d && len >= 2)
                {
                    ecdsaSignature = false;
                    for (var i = body + 2; i + 1 < p && i + 1 < body + 2 + ((data[body] << 8) | data[body + 1]); i += 2)
                    {
                        // ecdsa_secp256r1_sha256: the only scheme a P-256 key signs with in TLS 1.3.
                        ecdsaSignature |= data[i] == 0x04 && data[i + 1] == 0x03;
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
        return new ClientHelloInfo(versions, sni)
        {
            // No signature_algorithms extension (TLS 1.2 and older) means SHA-1 with the suite's kind: the suite decides.
            AcceptsEcdsa = ecdsaSignature != false && (versions.Contains("TLSv1.3") || ecdsaSuite),
        };
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
