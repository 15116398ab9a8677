using MimeKit;
using MimeKit.Cryptography;

namespace MailHost.Server.MailAuth.Dkim;

/// <summary>
/// Verifies every DKIM-Signature of a received message (RFC 6376 §6, RFC 8463 Ed25519) with MimeKit's
/// <see cref="DkimVerifier"/>, after the checks MimeKit leaves to the caller: required tags, i= within d=,
/// x= expiry, and the key record's v=, k=, h=, s=, t=s and revoked (empty) p= (§3.6.1).
/// </summary>
public sealed class InboundDkimVerifier(DkimKeyCache cache, TimeProvider time)
{
    /// <summary>RFC 6376 §6.1: a verifier may limit how many signatures it checks; more than this are ignored.</summary>
    public const int MaxSignatures = 8;

    public async Task<IReadOnlyList<DkimSignatureCheck>> VerifyAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var results = new List<DkimSignatureCheck>();
        var verifier = new DkimVerifier(new DnsDkimKeyLocator(cache));
        // RFC 8301 §3.1: rsa-sha1 signatures are not valid.
        verifier.Disable(DkimSignatureAlgorithm.RsaSha1);
        foreach (var header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature).Take(MaxSignatures))
        {
            results.Add(await CheckAsync(verifier, message, header, cancellationToken));
        }
        return results;
    }

    private async Task<DkimSignatureCheck> CheckAsync(DkimVerifier verifier, MimeMessage message, Header header, CancellationToken cancellationToken)
    {
        var value = header.Value;
        var tags = DkimTagList.Parse(value);
        string Tag(string name) => tags is not null && tags.TryGetValue(name, out var v) ? v : "";
        var domain = Tag("d").ToLowerInvariant();
        var selector = Tag("s");
        var algorithm = Tag("a").ToLowerInvariant();
        var identity = tags is not null && tags.TryGetValue("i", out var i) ? i : null;
        var b = DkimTagList.WithoutWhitespace(Tag("b"));
        var check = new DkimSignatureCheck(DkimResult.PermError, domain, selector, identity, algorithm, b.Length > 8 ? b[..8] : b, "");
        if (tags is null)
        {
            return check with { Reason = "malformed tag list" };
        }
        // RFC 6376 §6.1.1: v=1 and the required tags, From signed, i= in d=, not expired.
        foreach (var required in new[] { "v", "a", "b", "bh", "d", "h", "s" })
        {
            if (Tag(required).Length == 0)
            {
                return check with { Reason = $"missing {required}= tag" };
            }
        }
        if (Tag("v") != "1")
        {
            return check with { Reason = $"unsupported v={Tag("v")}" };
        }
        if (!DkimTagList.ColonList(Tag("h")).Contains("from"))
        {
            return check with { Reason = "From is not signed" };
        }
        var keyType = algorithm switch
        {
            "rsa-sha256" => "rsa",
            "ed25519-sha256" => "ed25519",
            "rsa-sha1" => null,
            _ => "",
        };
        if (keyType is null)
        {
            return check with { Result = DkimResult.Policy, Reason = "rsa-sha1 is not accepted (RFC 8301)" };
        }
        if (keyType.Length == 0)
        {
            return check with { Reason = $"unknown algorithm {algorithm}" };
        }
        var identityDomain = identity is null ? domain : identity[(identity.LastIndexOf('@') + 1)..].ToLowerInvariant();
        if (identity is not null && (!identity.Contains('@') || identityDomain != domain && !identityDomain.EndsWith("." + domain, StringComparison.Ordinal)))
        {
            return check with { Reason = $"i={identity} is not within d={domain}" };
        }
        if (long.TryParse(Tag("x"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires) && expires < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return check with { Result = DkimResult.Fail, Reason = "signature expired (x=)" };
        }

        var lookup = await cache.GetAsync(domain, selector, cancellationToken);
        if (lookup.Status == DkimKeyStatus.TempError)
        {
            return check with { Result = DkimResult.TempError, Reason = lookup.Detail };
        }
        if (lookup.RecordText is null || DkimKeyRecord.Parse(lookup.RecordText) is not { } record)
        {
            return check with { Reason = lookup.Detail };
        }
        check = check with { Testing = record.Testing };
        if (record.Revoked)
        {
            return check with { Result = DkimResult.Fail, Reason = "key revoked (empty p=)" };
        }
        if (record.KeyType != keyType)
        {
            return check with { Reason = $"key is k={record.KeyType}, signature is {algorithm}" };
        }
        if (record.HashAlgorithms is { } hashes && !hashes.Contains("sha256"))
        {
            return check with { Reason = "key record's h= does not allow sha256" };
        }
        if (!record.ServiceTypes.Contains("*") && !record.ServiceTypes.Contains("email"))
        {
            return check with { Reason = "key record's s= is not for email" };
        }
        if (record.Strict && identity is not null && identityDomain != domain)
        {
            return check with { Reason = $"key has t=s but i= is in a subdomain of {domain}" };
        }
        try
        {
            var valid = await verifier.VerifyAsync(message, header, cancellationToken);
            return valid
                ? check with { Result = DkimResult.Pass, Reason = "good signature" }
                : check with { Result = DkimResult.Fail, Reason = "signature or body hash did not verify" };
        }
        catch (DkimKeyUnavailableException ex)
        {
            return check with { Result = DkimResult.TempError, Reason = ex.Message };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return check with { Reason = ex.Message };
        }
    }
}
