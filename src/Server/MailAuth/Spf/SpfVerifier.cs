using System.Net;
using MailHost.Server.Dns;

namespace MailHost.Server.MailAuth.Spf;

/// <summary>The two SPF identities a receiver checks (RFC 7208 §2.3, §2.4): HELO and MAIL FROM.</summary>
public sealed class SpfVerifier(IDnsResolver dns, TimeProvider time)
{
    /// <summary>RFC 7208 §2.4: MAIL FROM; a null reverse-path is checked as postmaster@HELO.</summary>
    public Task<SpfOutcome> CheckMailFromAsync(IPAddress ip, string mailFrom, string helo, SpfOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(mailFrom);
        ArgumentNullException.ThrowIfNull(helo);
        var sender = mailFrom.Length == 0 ? "postmaster@" + helo : mailFrom;
        var (_, domain) = SpfDomain.SplitSender(sender);
        return new SpfEvaluator(dns, options, time.GetUtcNow(), cancellationToken).CheckHostAsync(ip, domain, sender, helo);
    }

    /// <summary>RFC 7208 §2.3: the HELO identity, sender postmaster@HELO.</summary>
    public Task<SpfOutcome> CheckHeloAsync(IPAddress ip, string helo, SpfOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(helo);
        return new SpfEvaluator(dns, options, time.GetUtcNow(), cancellationToken).CheckHostAsync(ip, helo, "postmaster@" + helo, helo);
    }
}
