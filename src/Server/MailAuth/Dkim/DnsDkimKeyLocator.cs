using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailHost.Server.MailAuth.Dkim;

/// <summary>
/// MimeKit's key locator over <see cref="DkimKeyCache"/> (so over <c>IDnsResolver</c>): the record
/// was already fetched and checked by <see cref="InboundDkimVerifier"/>, which reads it from the cache again here.
/// </summary>
internal sealed class DnsDkimKeyLocator(DkimKeyCache cache) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        var lookup = await cache.GetAsync(domain, selector, cancellationToken);
        return lookup.RecordText is { } text ? GetPublicKey(text) : throw new DkimKeyUnavailableException(lookup.Detail);
    }
}

internal sealed class DkimKeyUnavailableException(string message) : Exception(message);
