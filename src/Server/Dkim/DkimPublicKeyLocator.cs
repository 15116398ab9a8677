using DnsClient;
using DnsClient.Protocol;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailHost.Server.Dkim;

/// <summary>
/// Finds a signer's public key in DNS for MimeKit's DKIM verifier (inbound verification uses it):
/// the TXT record at selector._domainkey.domain (RFC 6376 §3.6.2.1), its strings joined
/// (§3.6.2.2), the first record that is a key record.
/// </summary>
public sealed class DkimPublicKeyLocator(ILookupClient dns) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Parse(domain, selector, dns.Query(DkimKeyRing.RecordName(domain, selector), QueryType.TXT));

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Parse(domain, selector, await dns.QueryAsync(DkimKeyRing.RecordName(domain, selector), QueryType.TXT, cancellationToken: cancellationToken));

    private static AsymmetricKeyParameter Parse(string domain, string selector, IDnsQueryResponse response)
    {
        // RFC 6376 §3.6.2.2: the strings of one TXT record are concatenated; records without p= are not key records.
        var record = response.Answers.TxtRecords()
            .Select(r => string.Concat(r.Text))
            .FirstOrDefault(text => DkimRecordCheck.PublicKey(text) is not null);
        if (record is null)
        {
            throw new DkimKeyNotFoundException(response.HasError
                ? $"{DkimKeyRing.RecordName(domain, selector)}: {response.ErrorMessage}"
                : $"{DkimKeyRing.RecordName(domain, selector)} has no DKIM key record");
        }
        return GetPublicKey(record);
    }
}

/// <summary>No usable key record was published (or DNS gave none): the verifier reports the signature as failed.</summary>
public sealed class DkimKeyNotFoundException(string message) : Exception(message);
