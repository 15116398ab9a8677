using MailHost.Server.Dns;

namespace MailHost.Server.Dkim;

public enum DkimRecordStatus
{
    Match,
    Mismatch,
    NotFound,
    DnsError,
}

public sealed record DkimRecordCheckResult(DkimRecordStatus Status, string Detail);

/// <summary>Compares the key record published at selector._domainkey.domain with the key MailHost signs with.</summary>
public static class DkimRecordCheck
{
    public static async Task<DkimRecordCheckResult> CheckAsync(IDnsResolver dns, DkimKey key, CancellationToken cancellationToken)
    {
        var name = DkimKeyRing.RecordName(key.Domain, key.Selector);
        DnsAnswer answer;
        try
        {
            answer = await dns.QueryAsync(name, DnsRecordType.Txt, cancellationToken);
        }
        catch (DnsException ex)
        {
            return new(DkimRecordStatus.DnsError, $"DNS gave no answer for {name}: {ex.Message}");
        }
        var expected = DkimKeyMaterial.PublicKeyBase64(key.Algorithm, key.PrivateKeyPem);
        // RFC 6376 §3.6.2.2: the strings of one TXT record are concatenated; other TXT records at the name are not key records.
        var published = answer.Records.OfType<TxtRecord>().Select(r => PublicKey(r.Text)).Where(p => p is not null).ToList();
        if (published.Count == 0)
        {
            return new(DkimRecordStatus.NotFound, answer.NameExists ? $"{name} has no DKIM key record" : $"{name} does not exist");
        }
        if (published.Contains(expected))
        {
            return new(DkimRecordStatus.Match, $"{name} publishes this key");
        }
        return new(DkimRecordStatus.Mismatch, published.Contains("")
            ? $"{name} publishes an empty p= (key revoked, RFC 6376 §3.6.1)"
            : $"{name} publishes a different key: p={Shorten(published[0]!)}");
    }

    /// <summary>The p= tag of a key record with folding whitespace removed (RFC 6376 §3.2), or null when there is none.</summary>
    public static string? PublicKey(string record)
    {
        foreach (var tag in record.Split(';'))
        {
            var eq = tag.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && tag[..eq].Trim() == "p")
            {
                return string.Concat(tag[(eq + 1)..].Where(ch => !char.IsWhiteSpace(ch)));
            }
        }
        return null;
    }

    private static string Shorten(string value) => value.Length <= 24 ? value : value[..12] + "…" + value[^12..];
}
