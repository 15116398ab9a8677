using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using MailHost.Server.Dns;
using MailHost.Server.Queue;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace MailHost.Server.Delivery;

/// <summary>What a message needs from the next hop, decided once per attempt.</summary>
public sealed record OutboundMessage(QueuedMessage Envelope, byte[] Content, bool Has8BitContent)
{
    public bool NeedsSmtpUtf8(IEnumerable<string> recipients) =>
        Envelope.SmtpUtf8 && (!Ascii.IsValid(Envelope.Sender) || recipients.Any(r => !Ascii.IsValid(r)));
}

/// <summary>
/// One delivery attempt for the recipients of one domain: resolve the route or MX hosts, try each host
/// and address in order until one gives per-recipient answers, under the route's TLS level and DANE (RFC 7672)
/// where DNSSEC-validated TLSA records exist. Mail is never sent in plaintext when the level, DANE or
/// REQUIRETLS asks for TLS; such hosts count as failed.
/// </summary>
public sealed class SmtpDeliveryAttempt(
    IDnsResolver dns, OutboundTlsVerifier verifier, DeliveryOptions options, MtaStsResolver? mtaSts = null, TlsOutcomeRecorder? tlsReports = null)
{
    private sealed record HostFailure(string Reason, bool Permanent, ConnectionFacts Facts);

    /// <summary>What TLS-RPT counts a session under; <paramref name="Pending"/> replaces its success (a fetch error, an unlisted MX in testing mode).</summary>
    private sealed record ReportContext(TlsReportPolicy Policy, (string Result, string Reason)? Pending);

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
        // RFC 7672 §2.2.1: DANE needs a validated chain up to the host: the MX answer, or nothing for a smarthost
        // (its name is configured, not looked up). The TLSA port: 25 for MX hosts (the port we connect to may be a
        // test override), the route's port for a smarthost.
        bool chainSecure;
        int tlsaPort;
        MtaStsPolicy? sts = null;
        MtaStsFailure? stsFailure = null;
        // TLS-RPT (RFC 8460) is about the recipient domain's policies: MX delivery only.
        string? reportDomain = null;
        if (route.SmartHost is { } smarthost)
        {
            hosts = [(smarthost, route.Port)];
            (chainSecure, tlsaPort) = (true, route.Port);
        }
        else if (domain.StartsWith('['))
        {
            // RFC 5321 §4.1.3 address literal: no MX lookup, straight to the address.
            hosts = [(domain.Trim('[', ']').Replace("IPv6:", "", StringComparison.OrdinalIgnoreCase), route.Port)];
            (chainSecure, tlsaPort) = (false, 25);
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
            reportDomain = domain.TrimEnd('.').ToLowerInvariant();
            (chainSecure, tlsaPort) = (mx.Authenticated, 25);
            if (mtaSts is not null)
            {
                // RFC 8461 §5: MTA-STS applies to MX delivery only (not to smarthosts or address literals).
                (sts, stsFailure) = await mtaSts.GetAsync(domain, cancellationToken);
            }
        }

        HostFailure? last = null;
        foreach (var (host, port) in hosts)
        {
            AddressResolution resolved;
            try
            {
                resolved = await dns.ResolveAddressesSecurelyAsync(host, cancellationToken);
            }
            catch (DnsException ex)
            {
                last = new HostFailure($"451 4.4.3 DNS lookup of {host} failed: {ex.Message}", false, new ConnectionFacts(host, "", "", ""));
                continue;
            }
            if (resolved.Addresses.Count == 0)
            {
                last = new HostFailure($"451 4.4.4 {host} has no address", false, new ConnectionFacts(host, "", "", ""));
                continue;
            }
            var dane = DaneHostPolicy.None;
            if (route.Dane != OutboundDaneLevel.Off)
            {
                var (policy, failure) = await DaneLookup.FindAsync(dns, host, tlsaPort, chainSecure && resolved.Authenticated, cancellationToken);
                var lookupFailed = failure is not null;
                if (failure is null && route.Dane == OutboundDaneLevel.Required && policy.State != DaneState.Usable)
                {
                    failure = $"451 4.7.5 DANE required for {host} but no usable DNSSEC-validated TLSA records (_{tlsaPort}._tcp.{host})";
                }
                if (failure is not null)
                {
                    Report(reportDomain, new TlsReportPolicy(domain, TlsReportResults.PolicyTlsa, [], [host]),
                        lookupFailed ? TlsReportResults.DnssecInvalid : TlsReportResults.DaneRequired, host);
                    // The next MX may still be fine; this one is not tried at all (never without the protection it asks for).
                    last = new HostFailure(failure, false, new ConnectionFacts(host, "", "", "", "dane"));
                    continue;
                }
                dane = policy;
            }
            // RFC 8461 §2: where DANE applies, MTA-STS does not.
            var stsMode = dane.State == DaneState.Usable || sts is null ? MtaStsMode.None : sts.Mode;
            var context = ReportContextFor(reportDomain, dane, host, sts, stsMode, stsFailure);
            if (stsMode == MtaStsMode.Enforce && !sts!.MatchesMx(host))
            {
                if (context is not null)
                {
                    Report(reportDomain, context.Policy, TlsReportResults.ValidationFailure, host, reason: "mx-not-in-policy");
                }
                // RFC 8461 §4.1: an MX the enforced policy does not list is not a candidate at all.
                last = new HostFailure($"451 4.7.5 {host} is not an MX listed in the MTA-STS policy of {domain}", false, new ConnectionFacts(host, "", "", "", "mta-sts enforce"));
                continue;
            }
            foreach (var address in resolved.Addresses)
            {
                var result = await TryHostAsync(snapshot, message, route, host, new IPEndPoint(address, port), recipients, dane, stsMode, stsFailure, context, allowTls: true, cancellationToken);
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
        IReadOnlyList<string> recipients, DaneHostPolicy dane, MtaStsMode stsMode, MtaStsFailure? stsFailure, ReportContext? report, bool allowTls,
        CancellationToken cancellationToken)
    {
        var hostText = $"{host} [{endPoint.Address}]:{endPoint.Port}";
        var policyName = stsMode switch
        {
            MtaStsMode.Enforce => "mta-sts enforce",
            MtaStsMode.Testing => "mta-sts testing",
            // A failed policy fetch is logged (TLS-RPT: sts-policy-fetch-error); without a cached policy delivery goes on as without one.
            _ => dane.Name.Length > 0 || stsFailure is null ? dane.Name : $"{stsFailure.ResultType} ({stsFailure.Message})",
        };
        var facts = new ConnectionFacts(hostText, "plaintext", "", "", policyName);
        // RFC 8689 §4.2.1: REQUIRETLS mail goes only over TLS with a verified certificate (PKIX or DANE).
        var level = message.Envelope.RequireTls ? OutboundTlsLevel.Verify : route.TlsLevel;
        if (dane.State == DaneState.Unusable && level < OutboundTlsLevel.Encrypt)
        {
            // RFC 7672 §2.2 (and Postfix's "dane" level): published but unusable TLSA records still mean the
            // domain's owner wants TLS: mandatory TLS without authentication, never plaintext.
            level = OutboundTlsLevel.Encrypt;
        }
        if (stsMode == MtaStsMode.Enforce)
        {
            // RFC 8461 §4.2: TLS with a certificate valid for the MX host name, else no delivery to it.
            level = OutboundTlsLevel.Verify;
        }
        // Usable TLSA records: TLS is mandatory and authenticated by DANE alone, whatever the route's level.
        var useDane = dane.State == DaneState.Usable;
        (IReadOnlyList<RecipientOutcome>?, HostFailure?) Fail(string reason, bool permanent = false) => (null, new HostFailure(reason, permanent, facts));

        var timeouts = options.Timeouts;
        using var client = new OutboundSmtpClient(timeouts)
        {
            LocalDomain = snapshot.Server.Hostname,
            SslProtocols = route.Protocols,
            SslCipherSuitesPolicy = options.CipherSuitesPolicy,
            CheckCertificateRevocation = false,
            // RFC 5321 §4.5.3.2.1: the greeting; MailKit reads it, EHLO and STARTTLS inside ConnectAsync.
            Timeout = OutboundSmtpClient.Milliseconds(timeouts.Greeting),
        };
        var certificate = "";
        // The TLS-RPT result type of what the certificate check refused (even where the level accepts it anyway).
        string? tlsFailure = null;
        client.ServerCertificateValidationCallback = (_, cert, chain, errors) =>
        {
            if (useDane)
            {
                var (matched, daneText) = DaneMatcher.Check(dane.Records, cert, chain, host);
                certificate = daneText;
                tlsFailure = matched ? null : TlsReportResults.TlsaInvalid;
                return matched;
            }
            var (verified, text) = verifier.Check(cert, chain, errors);
            certificate = text;
            tlsFailure = verified ? null : TlsReportResults.ForCertificate(errors, chain);
            // "encrypt" and "may" accept any certificate (Postfix semantics); "verify" only a verified one.
            return verified || level != OutboundTlsLevel.Verify;
        };
        Socket socket;
        try
        {
            socket = await OutboundSocket.ConnectAsync(endPoint, options.BindAddressFor(endPoint.AddressFamily), timeouts.Connect, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or IOException)
        {
            return Fail($"451 4.4.1 connect to {hostText} failed: {ex.Message}");
        }
        var secure = useDane ? SecureSocketOptions.StartTls
            : !allowTls || level == OutboundTlsLevel.None ? SecureSocketOptions.None
            : level == OutboundTlsLevel.May ? SecureSocketOptions.StartTlsWhenAvailable
            : SecureSocketOptions.StartTls;
        try
        {
            // The socket goes to the address we chose; the MX host name is the SNI and the name the certificate must match.
            await client.ConnectAsync(socket, host, endPoint.Port, secure, cancellationToken);
        }
        catch (NotSupportedException)
        {
            Report(report, TlsReportResults.StartTlsNotSupported, host, endPoint, socket);
            socket.Dispose();
            return Fail($"451 4.7.5 {hostText} does not offer STARTTLS; {(useDane ? $"DANE ({dane.TlsaName})" : $"TLS level {level}")} requires TLS");
        }
        catch (SslHandshakeException ex)
        {
            socket.Dispose();
            facts = facts with { TlsVersion = "failed", Certificate = certificate };
            Report(report, tlsFailure ?? TlsReportResults.ValidationFailure, host, endPoint, socket, tlsFailure is null ? "handshake-failed" : "");
            if (level == OutboundTlsLevel.May && !useDane)
            {
                // Opportunistic TLS: a failed handshake is retried in plaintext on a new connection (as Postfix does); counted once.
                return await TryHostAsync(snapshot, message, route, host, endPoint, recipients, dane, stsMode, stsFailure, null, allowTls: false, cancellationToken);
            }
            return Fail($"451 4.7.5 TLS with {hostText} failed: {(certificate.Length > 0 ? certificate : ex.InnerException?.Message ?? ex.Message)}");
        }
        catch (SmtpCommandException ex)
        {
            socket.Dispose();
            return Fail($"{hostText} refused the session: {OutboundTransaction.Reply(ex)}");
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or SmtpProtocolException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return Fail($"451 4.4.2 {hostText}: {ex.Message}");
        }
        if (client.IsSecure)
        {
            facts = facts with { TlsVersion = TlsName(client.SslProtocol), Cipher = client.SslCipherSuite?.ToString() ?? "", Certificate = certificate };
            // MTA-STS testing mode delivers over an unverified certificate but reports it (RFC 8461 §5); without a
            // policy nothing asked for verification, so any TLS session counts as a success.
            var failed = stsMode == MtaStsMode.Testing ? tlsFailure : null;
            Report(report, failed ?? report?.Pending?.Result ?? TlsReportResults.Success, host, endPoint, socket, failed is null ? report?.Pending?.Reason ?? "" : "");
        }
        else if (secure == SecureSocketOptions.StartTlsWhenAvailable)
        {
            Report(report, TlsReportResults.StartTlsNotSupported, host, endPoint, socket);
        }
        try
        {
            if (message.Envelope.RequireTls && (client.Capabilities & SmtpCapabilities.RequireTLS) == 0)
            {
                // RFC 8689 §4.2.1: the next hop must support REQUIRETLS too. MailKit would silently send without it.
                await client.DisconnectAsync(quit: true, cancellationToken);
                return Fail($"550 5.7.30 REQUIRETLS not supported by {hostText}", permanent: true);
            }
            if (route.HasCredentials)
            {
                if (!client.IsSecure)
                {
                    await client.DisconnectAsync(quit: true, cancellationToken);
                    return Fail($"451 4.7.5 not sending credentials to {hostText} without TLS");
                }
                try
                {
                    await client.AuthenticateAsync(route.User, route.Password, cancellationToken);
                }
                catch (MailKit.Security.AuthenticationException ex)
                {
                    await client.DisconnectAsync(quit: true, cancellationToken);
                    return Fail($"{hostText} refused authentication: {ex.Message}");
                }
            }
            var outcomes = await OutboundTransaction.RunAsync(client, message, recipients, hostText, facts, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return (outcomes, null);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or SmtpProtocolException or ServiceNotConnectedException
            || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Fail($"451 4.4.2 {hostText}: {ex.Message}");
        }
    }

    /// <summary>The policy a host's sessions count under: DANE wins over MTA-STS (RFC 8461 §2); null for smarthosts and literals.</summary>
    private static ReportContext? ReportContextFor(string? domain, DaneHostPolicy dane, string host, MtaStsPolicy? sts, MtaStsMode stsMode, MtaStsFailure? stsFailure)
    {
        if (domain is null)
        {
            return null;
        }
        if (dane.State != DaneState.None)
        {
            return new ReportContext(TlsReportPolicy.Tlsa(domain, dane, host), null);
        }
        if (sts is not null && stsMode != MtaStsMode.None)
        {
            // RFC 8461 §5: testing mode reports an MX the policy does not list, and still delivers.
            var unlisted = stsMode == MtaStsMode.Testing && !sts.MatchesMx(host);
            return new ReportContext(TlsReportPolicy.Sts(domain, sts), unlisted ? (TlsReportResults.ValidationFailure, "mx-not-in-policy") : null);
        }
        return stsFailure is not null
            ? new ReportContext(TlsReportPolicy.Sts(domain, null), (stsFailure.ResultType, ""))
            : new ReportContext(TlsReportPolicy.NoPolicy(domain), null);
    }

    private void Report(string? domain, TlsReportPolicy policy, string result, string host, string reason = "")
    {
        if (domain is not null)
        {
            tlsReports?.Record(new TlsSessionOutcome(policy, result, host, FailureReason: reason));
        }
    }

    private void Report(ReportContext? report, string result, string host, IPEndPoint endPoint, Socket socket, string reason = "")
    {
        if (report is not null && tlsReports is not null)
        {
            var local = socket.Connected && socket.LocalEndPoint is IPEndPoint l ? l.Address.ToString() : "";
            tlsReports.Record(new TlsSessionOutcome(report.Policy, result, host, endPoint.Address.ToString(), local, reason));
        }
    }

    private static string TlsName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };
}
