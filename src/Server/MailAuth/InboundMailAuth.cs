using System.Net;
using MailHost.Server.Dns;
using MailHost.Server.MailAuth.Dkim;
using MailHost.Server.MailAuth.Dmarc;
using MailHost.Server.MailAuth.Spf;
using MimeKit;
using MimeKit.Cryptography;

namespace MailHost.Server.MailAuth;

/// <summary>The SMTP facts the checks need: client address, HELO name, MAIL FROM (empty for a null path), our host name.</summary>
public sealed record InboundAuthRequest(IPAddress Client, string Helo, string MailFrom, string Hostname);

/// <summary>Every result for one message; the input for Authentication-Results, Received-SPF, the policy and the logs.</summary>
public sealed record InboundAuthReport(InboundAuthRequest Request, SpfOutcome Helo, SpfOutcome MailFrom, IReadOnlyList<DkimSignatureCheck> Dkim, DmarcOutcome Dmarc, string Arc)
{
    /// <summary>The domain SPF's MAIL FROM result is about (the HELO domain for a null path, RFC 7208 §2.4).</summary>
    public string SpfDomain => Request.MailFrom.Length == 0 ? Request.Helo : Request.MailFrom[(Request.MailFrom.LastIndexOf('@') + 1)..];

    /// <summary>One line for the delivery log.</summary>
    public string Summary => $"spf={MailFrom.Keyword} dkim={(Dkim.Count == 0 ? "none" : string.Join(',', Dkim.Select(d => d.Keyword)))} dmarc={Dmarc.Keyword} arc={Arc}";
}

/// <summary>
/// Runs the inbound checks on a received message: SPF for HELO and MAIL FROM (RFC 7208), DKIM for every
/// signature (RFC 6376/8463), DMARC (RFC 9989) and ARC verification only (RFC 8617, recorded, never acted on).
/// </summary>
public sealed class InboundMailAuth(IDnsResolver dns, DkimKeyCache keys, TimeProvider time)
{
    public async Task<InboundAuthReport> CheckAsync(InboundAuthRequest request, MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(message);
        var spf = new SpfVerifier(dns, time);
        var options = new SpfOptions { ReceiverName = request.Hostname };
        var helo = await spf.CheckHeloAsync(request.Client, request.Helo, options, cancellationToken);
        var mailFrom = request.MailFrom.Length == 0
            ? helo
            : await spf.CheckMailFromAsync(request.Client, request.MailFrom, request.Helo, options, cancellationToken);
        var dkim = await new InboundDkimVerifier(keys, time).VerifyAsync(message, cancellationToken);
        var report = new InboundAuthReport(request, helo, mailFrom, dkim, null!, await ArcAsync(message, cancellationToken));
        var dmarc = await new DmarcEvaluator(dns).EvaluateAsync(FromDomain(message), report.SpfDomain, mailFrom.Result, dkim,
            Random.Shared.Next(100), cancellationToken);
        return report with { Dmarc = dmarc };
    }

    /// <summary>RFC 9989 §4.4: the From field must hold exactly one address; several From fields or addresses give no domain.</summary>
    public static string? FromDomain(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Headers.Count(h => h.Id == HeaderId.From) != 1)
        {
            return null;
        }
        var addresses = message.From.Mailboxes.ToList();
        return addresses.Count == 1 && addresses[0].Domain is { Length: > 0 } domain ? domain : null;
    }

    private async Task<string> ArcAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        if (!message.Headers.Contains(HeaderId.ArcSeal))
        {
            return "none";
        }
        try
        {
            var result = await new ArcVerifier(new DnsDkimKeyLocator(keys)).VerifyAsync(message, cancellationToken);
            return result.Chain switch
            {
                ArcSignatureValidationResult.Pass => "pass",
                ArcSignatureValidationResult.Fail => "fail",
                _ => "none",
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return "fail";
        }
    }
}
