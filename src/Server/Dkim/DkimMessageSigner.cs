using MailHost.Server.Logging;
using MimeKit;
using MimeKit.Cryptography;

namespace MailHost.Server.Dkim;

/// <summary>
/// Signs outbound mail at send time in the remote delivery worker (the spooled file stays as received,
/// so local copies are unsigned and a key change applies to mail still queued): the active key of the
/// From domain, or of its closest parent domain with a key. The signature field goes in front of the
/// bytes as they are; it is verified over exactly those bytes before it is used, since it was computed
/// over MimeKit's reading of them.
/// </summary>
public sealed class DkimMessageSigner(TimeProvider time, ILogger<DkimMessageSigner> logger)
{
    public byte[] Sign(MailHostSnapshot snapshot, byte[] message, string envelopeSender)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(message);
        if (!snapshot.DkimKeys.Any(k => k.Active))
        {
            // No key, no signature: spare the parse.
            return message;
        }
        MimeMessage parsed;
        try
        {
            parsed = MimeMessage.Load(new MemoryStream(message, writable: false));
        }
        catch (FormatException)
        {
            // Not a message MimeKit can read (e.g. no header at all): nothing to sign.
            return message;
        }
        var domain = FromDomain(parsed) ?? DomainOf(envelopeSender);
        if (domain is null || FindKey(snapshot, domain) is not { } key)
        {
            return message;
        }
        try
        {
            byte[] signed = [.. DkimSignatureField.Create(parsed, key, time.GetUtcNow()), .. message];
            if (!VerifiesAsSent(signed, key))
            {
                DkimLog.SelfCheckFailed(logger, key.Domain, key.Selector, parsed.MessageId ?? "(no Message-ID)");
                return message;
            }
            return signed;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or InvalidCastException or FormatException
            or Org.BouncyCastle.Crypto.CryptoException)
        {
            DkimLog.SignFailed(logger, key.Domain, key.Selector, ex);
            return message;
        }
    }

    public static DkimKeySpec? FindKey(MailHostSnapshot snapshot, string domain)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        for (var d = domain.ToLowerInvariant(); d.Length > 0;)
        {
            var key = snapshot.DkimKeys.FirstOrDefault(k => k.Active && k.Domain == d);
            if (key is not null)
            {
                return key;
            }
            var dot = d.IndexOf('.', StringComparison.Ordinal);
            d = dot < 0 ? "" : d[(dot + 1)..];
            if (!d.Contains('.', StringComparison.Ordinal))
            {
                break;
            }
        }
        return null;
    }

    /// <summary>Our signature checked by MimeKit's verifier over the bytes that will be sent.</summary>
    private static bool VerifiesAsSent(byte[] signed, DkimKeySpec key)
    {
        var reread = MimeMessage.Load(new MemoryStream(signed, writable: false));
        var verifier = new DkimVerifier(new DkimOwnKeyLocator(key));
        return verifier.Verify(reread, reread.Headers[0]);
    }

    private static string? FromDomain(MimeMessage message)
    {
        var address = message.From.Mailboxes.FirstOrDefault()?.Address;
        return address is null ? null : DomainOf(address);
    }

    private static string? DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 || at == address.Length - 1 ? null : address[(at + 1)..].ToLowerInvariant();
    }
}
