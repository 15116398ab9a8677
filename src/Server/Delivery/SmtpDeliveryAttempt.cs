using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using MailHost.Server.Dns;
using MailHost.Server.Queue;

namespace MailHost.Server.Delivery;

/// <summary>What a message needs from the next hop, decided once per attempt.</summary>
public sealed record OutboundMessage(QueuedMessage Envelope, byte[] Content, bool Has8BitContent)
{
    public bool NeedsSmtpUtf8(IEnumerable<string> recipients) =>
        Envelope.SmtpUtf8 && (!Ascii.IsValid(Envelope.Sender) || recipients.Any(r => !Ascii.IsValid(r)));
}

/// <summary>
/// One delivery attempt for the recipients of one domain: resolve the route or MX hosts, try each host
/// and address in order until one gives per-recipient answers, under the route's TLS level. Mail is
/// never sent in plaintext when the level (or REQUIRETLS) asks for TLS; such hosts count as failed.
/// </summary>
public sealed class SmtpDeliveryAttempt(IDnsResolver dns, OutboundTlsVerifier verifier, DeliveryOptions options)
{
    private sealed record HostFailure(string Reason, bool Permanent, ConnectionFacts Facts);

    public async Task<IReadOnlyList<RecipientOutcome>> RunAsync(
        MailHostSnapshot snapshot, OutboundMessage message, OutboundRoute route, string domain, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(recipients);
        IReadOnlyList<RecipientOutcome> All(DeliveryStatus status, string reply, ConnectionFacts facts) =>
            [.. recipients.Select(r => new RecipientOutcome(r, status, reply, facts))];

        List<(string Host, int Port)> hosts;
        if (route.SmartHost is { } smarthost)
        {
            hosts = [(smarthost, route.Port)];
        }
        else if (domain.StartsWith('['))
        {
            // RFC 5321 §4.1.3 address literal: no MX lookup, straight to the address.
            hosts = [(domain.Trim('[', ']').Replace("IPv6:", "", StringComparison.OrdinalIgnoreCase), route.Port)];
        }
        else
        {
            MxResolution mx;
            try
            {
                mx = await dns.ResolveMxAsync(domain, cancellationToken);
            }
            catch (DnsException ex)
            {
                return All(DeliveryStatus.Deferred, $"451 4.4.3 DNS lookup of {domain} MX failed: {ex.Message}", ConnectionFacts.None);
            }
            switch (mx.Outcome)
            {
                case MxOutcome.NullMx:
                    // RFC 7505 §4.2: a null MX means the domain accepts no mail; fail at once, do not retry.
                    return All(DeliveryStatus.Failed, $"556 5.1.10 {domain} does not accept mail (null MX)", ConnectionFacts.None);
                case MxOutcome.NoSuchDomain:
                    return All(DeliveryStatus.Failed, $"550 5.1.2 domain {domain} does not exist", ConnectionFacts.None);
            }
            hosts = [.. mx.Hosts.Select(h => (h.Name, route.Port))];
        }

        HostFailure? last = null;
        foreach (var (host, port) in hosts)
        {
            IReadOnlyList<IPAddress> addresses;
            try
            {
                addresses = await dns.ResolveAddressesAsync(host, cancellationToken);
            }
            catch (DnsException ex)
            {
                last = new HostFailure($"451 4.4.3 DNS lookup of {host} failed: {ex.Message}", false, new ConnectionFacts(host, "", "", ""));
                continue;
            }
            if (addresses.Count == 0)
            {
                last = new HostFailure($"451 4.4.4 {host} has no address", false, new ConnectionFacts(host, "", "", ""));
                continue;
            }
            foreach (var address in addresses)
            {
                var result = await TryHostAsync(snapshot, message, route, host, new IPEndPoint(address, port), recipients, allowTls: true, cancellationToken);
                if (result.Outcomes is { } outcomes)
                {
                    return outcomes;
                }
                last = result.Failure;
            }
        }
        last ??= new HostFailure("451 4.4.4 no host to deliver to", false, ConnectionFacts.None);
        return All(last.Permanent ? DeliveryStatus.Failed : DeliveryStatus.Deferred, last.Reason, last.Facts);
    }

    private async Task<(IReadOnlyList<RecipientOutcome>? Outcomes, HostFailure? Failure)> TryHostAsync(
        MailHostSnapshot snapshot, OutboundMessage message, OutboundRoute route, string host, IPEndPoint endPoint,
        IReadOnlyList<string> recipients, bool allowTls, CancellationToken cancellationToken)
    {
        var hostText = $"{host} [{endPoint.Address}]:{endPoint.Port}";
        var facts = new ConnectionFacts(hostText, "plaintext", "", "");
        // RFC 8689 §4.2.1: REQUIRETLS mail goes only over TLS with a verified certificate.
        var level = message.Envelope.RequireTls ? OutboundTlsLevel.Verify : route.TlsLevel;
        (IReadOnlyList<RecipientOutcome>?, HostFailure?) Fail(string reason, bool permanent = false) => (null, new HostFailure(reason, permanent, facts));

        SmtpClientConnection connection;
        try
        {
            connection = await SmtpClientConnection.ConnectAsync(endPoint, null, options.Timeouts, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
        {
            return Fail($"451 4.4.1 connect to {hostText} failed: {ex.Message}");
        }
        await using (connection)
        {
            try
            {
                var greeting = await connection.ReadGreetingAsync(cancellationToken);
                if (!greeting.IsPositive)
                {
                    return Fail($"{hostText} greeted with {greeting}");
                }
                var ehlo = await connection.HelloAsync(snapshot.Server.Hostname, cancellationToken);
                if (!ehlo.IsPositive)
                {
                    return Fail($"{hostText} refused EHLO/HELO: {ehlo}");
                }
                if (level != OutboundTlsLevel.None && allowTls)
                {
                    if (!connection.Supports("STARTTLS"))
                    {
                        if (level != OutboundTlsLevel.May)
                        {
                            await connection.QuitAsync(cancellationToken);
                            return Fail($"451 4.7.5 {hostText} does not offer STARTTLS; TLS level {level} requires TLS");
                        }
                    }
                    else
                    {
                        var certificate = "";
                        var tlsOptions = new SslClientAuthenticationOptions
                        {
                            TargetHost = host,
                            EnabledSslProtocols = route.Protocols,
                            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                            RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                            {
                                var (verified, text) = verifier.Check(cert, chain, errors);
                                certificate = text;
                                // "encrypt" and "may" accept any certificate (Postfix semantics); "verify" only a verified one.
                                return verified || level != OutboundTlsLevel.Verify;
                            },
                        };
                        SmtpReply starttls;
                        try
                        {
                            starttls = await connection.StartTlsAsync(tlsOptions, cancellationToken);
                        }
                        catch (Exception ex) when (ex is AuthenticationException or IOException or TimeoutException)
                        {
                            facts = facts with { TlsVersion = "failed", Certificate = certificate };
                            if (level == OutboundTlsLevel.May)
                            {
                                // Opportunistic TLS: a failed handshake is retried in plaintext on a new connection (as Postfix does).
                                var retry = await TryHostAsync(snapshot, message, route, host, endPoint, recipients, allowTls: false, cancellationToken);
                                return retry;
                            }
                            return Fail($"451 4.7.5 TLS with {hostText} failed: {(certificate.Length > 0 ? certificate : ex.Message)}");
                        }
                        if (starttls.Code != 220)
                        {
                            if (level != OutboundTlsLevel.May)
                            {
                                return Fail($"451 4.7.5 {hostText} refused STARTTLS: {starttls}");
                            }
                        }
                        else
                        {
                            var tls = connection.Tls!;
                            facts = facts with { TlsVersion = TlsName(tls.SslProtocol), Cipher = tls.NegotiatedCipherSuite.ToString(), Certificate = certificate };
                            ehlo = await connection.HelloAsync(snapshot.Server.Hostname, cancellationToken);
                            if (!ehlo.IsPositive)
                            {
                                return Fail($"{hostText} refused EHLO after STARTTLS: {ehlo}");
                            }
                        }
                    }
                }
                if (message.Envelope.RequireTls && !connection.Supports("REQUIRETLS"))
                {
                    await connection.QuitAsync(cancellationToken);
                    // RFC 8689 §4.2.1: the next hop must support REQUIRETLS too.
                    return Fail($"550 5.7.30 REQUIRETLS not supported by {hostText}", permanent: true);
                }
                if (route.HasCredentials)
                {
                    if (connection.Tls is null)
                    {
                        await connection.QuitAsync(cancellationToken);
                        return Fail($"451 4.7.5 not sending credentials to {hostText} without TLS");
                    }
                    var auth = await connection.AuthenticateAsync(route.User, route.Password, cancellationToken);
                    if (!auth.IsPositive)
                    {
                        await connection.QuitAsync(cancellationToken);
                        return Fail($"{hostText} refused authentication: {auth}", auth.IsPermanent);
                    }
                }
                var outcomes = await TransactAsync(connection, message, recipients, hostText, facts, cancellationToken);
                await connection.QuitAsync(cancellationToken);
                return (outcomes, null);
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or AuthenticationException)
            {
                return Fail($"451 4.4.2 {hostText}: {ex.Message}");
            }
        }
    }

    private static async Task<IReadOnlyList<RecipientOutcome>> TransactAsync(
        SmtpClientConnection connection, OutboundMessage message, IReadOnlyList<string> recipients, string hostText, ConnectionFacts facts, CancellationToken cancellationToken)
    {
        IReadOnlyList<RecipientOutcome> All(DeliveryStatus status, string reply) => [.. recipients.Select(r => new RecipientOutcome(r, status, reply, facts))];
        var envelope = message.Envelope;
        var size = message.Content.LongLength;
        if (connection.Extensions.TryGetValue("SIZE", out var max) && long.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 && size > limit)
        {
            // RFC 1870 §6.2: the message is larger than the peer ever accepts.
            return All(DeliveryStatus.Failed, $"552 5.3.4 message of {size} bytes exceeds {hostText}'s limit of {limit}");
        }
        var eightBit = message.Has8BitContent || envelope.Body is "8BITMIME" or "BINARYMIME";
        if (message.Has8BitContent && !connection.Supports("8BITMIME"))
        {
            // RFC 6152 §3: without 8BITMIME at the next hop, 8-bit content is returned to the sender (we do not downgrade).
            return All(DeliveryStatus.Failed, $"554 5.6.3 {hostText} does not support 8BITMIME and the message has 8-bit content");
        }
        var utf8 = message.NeedsSmtpUtf8(recipients);
        if (utf8 && !connection.Supports("SMTPUTF8"))
        {
            // RFC 6531 §3.2: UTF-8 addresses need SMTPUTF8 at the next hop.
            return All(DeliveryStatus.Failed, $"553 5.6.7 {hostText} does not support SMTPUTF8");
        }
        var dsn = connection.Supports("DSN");
        var mailParameters = new StringBuilder();
        if (connection.Supports("SIZE"))
        {
            mailParameters.Append(CultureInfo.InvariantCulture, $" SIZE={size}");
        }
        if (eightBit && connection.Supports("8BITMIME"))
        {
            mailParameters.Append(" BODY=8BITMIME");
        }
        if (utf8)
        {
            mailParameters.Append(" SMTPUTF8");
        }
        if (envelope.RequireTls)
        {
            mailParameters.Append(" REQUIRETLS");
        }
        if (dsn && envelope.DsnRet is { Length: > 0 } ret)
        {
            mailParameters.Append(" RET=").Append(ret);
        }
        if (dsn && envelope.DsnEnvelopeId is { Length: > 0 } envid)
        {
            mailParameters.Append(" ENVID=").Append(envid);
        }
        var byAddress = envelope.Recipients.ToDictionary(r => r.Address, StringComparer.OrdinalIgnoreCase);
        var rcpts = recipients.Select(r =>
        {
            var p = "";
            if (dsn && byAddress.TryGetValue(r, out var q) && q.Notify is { Length: > 0 } notify)
            {
                p = " NOTIFY=" + notify;
            }
            return (r, p);
        }).ToList();
        using var content = new MemoryStream(message.Content, writable: false);
        var result = await connection.SendAsync(new SmtpTransaction(envelope.Sender, mailParameters.ToString(), rcpts), content, cancellationToken);
        var outcomes = new List<RecipientOutcome>();
        for (var i = 0; i < recipients.Count; i++)
        {
            var reply = !result.Mail.IsPositive ? result.Mail : !result.Recipients[i].IsPositive ? result.Recipients[i] : result.Data ?? result.Recipients[i];
            var status = reply.IsPositive && result.Data is { IsPositive: true } ? DeliveryStatus.Delivered
                : reply.IsPermanent ? DeliveryStatus.Failed
                : DeliveryStatus.Deferred;
            outcomes.Add(new RecipientOutcome(recipients[i], status, $"{hostText} said: {reply}", facts));
        }
        return outcomes;
    }

    private static string TlsName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };
}
