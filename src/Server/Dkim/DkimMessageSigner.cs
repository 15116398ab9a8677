using System.Text;
using System.Text.RegularExpressions;
using MailHost.Server.Logging;

namespace MailHost.Server.Dkim;

/// <summary>
/// Signs outbound mail at send time in the remote delivery worker (the spooled file stays as received,
/// so local copies are unsigned and a key change applies to mail still queued): the active key of the
/// From domain, or of its closest parent domain with a key.
/// </summary>
public sealed partial class DkimMessageSigner(TimeProvider time, ILogger<DkimMessageSigner> logger)
{
    [GeneratedRegex(@"@([A-Za-z0-9.\-]+)\s*>?\s*$")]
    private static partial Regex AddressDomain();

    public byte[] Sign(MailHostSnapshot snapshot, byte[] message, string envelopeSender)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(message);
        var domain = FromDomain(message) ?? DomainOf(envelopeSender);
        if (domain is null)
        {
            return message;
        }
        var key = FindKey(snapshot, domain);
        if (key is null)
        {
            return message;
        }
        try
        {
            var header = DkimSigner.Sign(message, key.Domain, key.Selector, key.Algorithm, key.PrivateKeyPem, time.GetUtcNow());
            return [.. Encoding.ASCII.GetBytes(header), .. message];
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or InvalidCastException or FormatException)
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

    private static string? FromDomain(byte[] message)
    {
        var (headers, _) = DkimSigner.SplitMessage(message);
        var from = headers.FirstOrDefault(h => h.StartsWith("from:", StringComparison.OrdinalIgnoreCase));
        if (from is null)
        {
            return null;
        }
        var m = AddressDomain().Match(from.Replace("\r\n", "", StringComparison.Ordinal));
        return m.Success ? m.Groups[1].Value.ToLowerInvariant() : null;
    }

    private static string? DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? null : address[(at + 1)..].ToLowerInvariant();
    }
}
