using MimeKit;
using MimeKit.Cryptography;

namespace MailHost.Server.Dkim;

/// <summary>
/// Makes the DKIM-Signature field for a parsed message with MimeKit's signer: relaxed/relaxed
/// (RFC 6376 §3.4.2, §3.4.4), rsa-sha256 or ed25519-sha256 (RFC 8463), over the recommended header
/// set (§5.4.1) with From signed once more than it occurs, so no From can be added later without
/// breaking the signature (§5.4.2 over-signing). Only the field is returned: the caller puts it in
/// front of the message bytes as they are, so signing changes nothing else.
/// </summary>
public static class DkimSignatureField
{
    private static readonly string[] SignedHeaders =
    [
        "from", "reply-to", "subject", "date", "to", "cc", "resent-date", "resent-from", "resent-to", "resent-cc",
        "in-reply-to", "references", "message-id", "mime-version", "content-type", "content-transfer-encoding",
        "list-id", "list-help", "list-unsubscribe", "list-subscribe", "list-post", "list-owner", "list-archive",
    ];

    /// <summary>The field, folded, ending in CRLF. Adds the signature to <paramref name="message"/>'s headers too.</summary>
    public static byte[] Create(MimeMessage message, DkimKeySpec key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(key);
        var signer = new ClockedSigner(key, now)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        signer.Sign(message, NamesToSign(message));
        var field = message.Headers[0];
        return ToCrlf([.. field.RawField, (byte)':', .. field.RawValue]);
    }

    /// <summary>
    /// Each recommended name once per instance present (MimeKit signs repeated instances from the
    /// bottom up, §5.4.2), then "from" once more: with no instance left, it hashes as a null field.
    /// </summary>
    private static List<string> NamesToSign(MimeMessage message)
    {
        // MimeKit keeps Content-* fields on the top-level entity, not on the message.
        var present = message.Headers.Concat(message.Body?.Headers ?? [])
            .GroupBy(h => h.Field.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => g.Count());
        var names = new List<string>();
        foreach (var name in SignedHeaders)
        {
            names.AddRange(Enumerable.Repeat(name, present.GetValueOrDefault(name)));
        }
        names.Add("from");
        return names;
    }

    // MimeKit folds with the platform's line end; on the wire every line ends in CRLF.
    private static byte[] ToCrlf(byte[] field)
    {
        var result = new List<byte>(field.Length + 16);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == (byte)'\n' && (i == 0 || field[i - 1] != (byte)'\r'))
            {
                result.Add((byte)'\r');
            }
            result.Add(field[i]);
        }
        return [.. result];
    }

    /// <summary>MimeKit's signer with t= from our clock (tests use a fixed time).</summary>
    private sealed class ClockedSigner(DkimKeySpec key, DateTimeOffset now)
        : DkimSigner(DkimKeyMaterial.LoadPrivateKey(key.PrivateKeyPem), key.Domain, key.Selector, DkimKeyMaterial.SignatureAlgorithm(key.Algorithm))
    {
        protected override long GetTimestamp() => now.ToUnixTimeSeconds();
    }
}
