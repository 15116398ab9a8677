using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Signers;

namespace MailHost.Server.Dkim;

/// <summary>
/// Signs a message per RFC 6376 with relaxed/relaxed canonicalization, rsa-sha256 or ed25519-sha256
/// (RFC 8463), over the recommended header set (§5.4.1) with From signed once more than it occurs,
/// so no From can be added later without breaking the signature (§5.4.2 over-signing).
/// </summary>
public static class DkimSigner
{
    private static readonly string[] SignedHeaders =
    [
        "from", "reply-to", "subject", "date", "to", "cc", "resent-date", "resent-from", "resent-to", "resent-cc",
        "in-reply-to", "references", "message-id", "mime-version", "content-type", "content-transfer-encoding",
        "list-id", "list-help", "list-unsubscribe", "list-subscribe", "list-post", "list-owner", "list-archive",
    ];

    /// <summary>Returns the DKIM-Signature header field (folded, ending in CRLF) to prepend to <paramref name="message"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> message, string domain, string selector, DkimAlgorithm algorithm, string privateKeyPem, DateTimeOffset now)
    {
        var headers = ParseHeaders(message, out var bodyStart);
        var body = bodyStart < 0 ? [] : message[bodyStart..];
        var bodyHash = Convert.ToBase64String(SHA256.HashData(DkimCanonicalizer.RelaxedBody(body)));

        // RFC 6376 §5.4.2: instances of a repeated field are signed from the bottom up.
        var remaining = headers.ToList();
        var selected = new List<string>();
        var names = new List<string>();
        foreach (var name in SignedHeaders)
        {
            while (true)
            {
                var index = remaining.FindLastIndex(h => NameOf(h) == name);
                if (index < 0)
                {
                    break;
                }
                selected.Add(remaining[index]);
                names.Add(name);
                remaining.RemoveAt(index);
            }
        }
        // Over-sign From: one more "from" than exists (a null field in the hash, RFC 6376 §5.4).
        names.Add("from");

        var tags = new StringBuilder();
        tags.Append(CultureInfo.InvariantCulture, $"v=1; a={DkimKeyMaterial.AlgorithmTag(algorithm)}; c=relaxed/relaxed; d={domain}; s={selector};\r\n\t");
        tags.Append(CultureInfo.InvariantCulture, $"t={now.ToUnixTimeSeconds()}; h={string.Join(':', names)};\r\n\t");
        tags.Append(CultureInfo.InvariantCulture, $"bh={bodyHash};\r\n\tb=");
        var unsigned = "DKIM-Signature: " + tags;

        // RFC 6376 §3.7: the selected fields, then the DKIM-Signature with an empty b= and no trailing CRLF.
        var data = new StringBuilder();
        foreach (var h in selected)
        {
            data.Append(DkimCanonicalizer.RelaxedHeader(h)).Append("\r\n");
        }
        data.Append(DkimCanonicalizer.RelaxedHeader(unsigned));
        var bytes = Encoding.UTF8.GetBytes(data.ToString());
        var signature = Convert.ToBase64String(SignBytes(bytes, algorithm, privateKeyPem));
        return unsigned + Fold(signature) + "\r\n";
    }

    private static byte[] SignBytes(byte[] data, DkimAlgorithm algorithm, string privateKeyPem)
    {
        if (algorithm == DkimAlgorithm.Ed25519)
        {
            // RFC 8463 §3: PureEdDSA over the SHA-256 hash of the canonicalized data.
            var signer = new Ed25519Signer();
            signer.Init(true, DkimKeyMaterial.LoadEd25519(privateKeyPem));
            var hash = SHA256.HashData(data);
            signer.BlockUpdate(hash, 0, hash.Length);
            return signer.GenerateSignature();
        }
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static string Fold(string base64)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < base64.Length; i += 72)
        {
            if (i > 0)
            {
                sb.Append("\r\n\t ");
            }
            sb.Append(base64.AsSpan(i, Math.Min(72, base64.Length - i)));
        }
        return sb.ToString();
    }

    private static string NameOf(string field) => field[..field.IndexOf(':', StringComparison.Ordinal)].TrimEnd(' ', '\t').ToLowerInvariant();

    /// <summary>Header fields (each with its folding, without the final CRLF) and the body after the blank line.</summary>
    public static (List<string> Headers, ReadOnlyMemory<byte> Body) SplitMessage(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = ParseHeaders(message, out var bodyStart);
        return (headers, bodyStart < 0 ? ReadOnlyMemory<byte>.Empty : message.AsMemory(bodyStart));
    }

    private static List<string> ParseHeaders(ReadOnlySpan<byte> message, out int bodyStart)
    {
        var end = message.IndexOf("\r\n\r\n"u8);
        var headerBytes = end < 0 ? message : message[..(end + 2)];
        bodyStart = end < 0 ? -1 : end + 4;
        var text = Encoding.UTF8.GetString(headerBytes);
        var fields = new List<string>();
        foreach (var line in text.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (line[0] is ' ' or '\t' && fields.Count > 0)
            {
                fields[^1] += "\r\n" + line;
            }
            else if (line.Contains(':', StringComparison.Ordinal))
            {
                fields.Add(line);
            }
        }
        return fields;
    }
}
