using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailHost.Server.Dkim;

/// <summary>
/// Hands MimeKit's verifier the public key of the key we sign with, without DNS: used to check our
/// own signature over the bytes as they will be sent before any receiver sees it.
/// </summary>
public sealed class DkimOwnKeyLocator(DkimKeySpec key) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(domain, key.Domain, StringComparison.OrdinalIgnoreCase) || selector != key.Selector)
        {
            throw new ArgumentException($"no own key for {selector}._domainkey.{domain}", nameof(selector));
        }
        // The same record we tell the admin to publish, parsed the way a DNS answer would be.
        return GetPublicKey(DkimKeyMaterial.TxtRecord(key.Algorithm, key.PrivateKeyPem));
    }

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}
