using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Tls;

namespace MailHost.Server.Acme;

/// <summary>A certificate the CA issued, with its key attached, and the intermediates it sent.</summary>
public sealed record AcmeIssued(X509Certificate2 Certificate, X509Certificate2Collection Chain);

/// <summary>
/// One order from start to certificate: new order, each authorization answered with the chosen
/// challenge (put up for the responders just before the CA is told, taken down after), finalize with
/// a CSR for the given key, wait for issuance, download the chain.
/// </summary>
public sealed class AcmeIssuer(AcmeChallengeAnswers answers, Http01Responder http01, TlsAlpn01Responder tlsAlpn01)
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMinutes(3);

    public async Task<AcmeIssued> IssueAsync(AcmeClient client, IReadOnlyList<string> domains, string challengeType, AsymmetricAlgorithm key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(domains);
        if (!AcmeChallengeTypes.IsKnown(challengeType))
        {
            throw new AcmeException($"unsupported challenge '{challengeType}' (http-01 or tls-alpn-01; dns-01 needs a DNS provider API and is not supported)");
        }
        var order = await client.NewOrderAsync(domains, cancellationToken);
        foreach (var url in order.Authorizations)
        {
            await AuthorizeAsync(client, url, challengeType, cancellationToken);
        }
        order = await WaitOrderAsync(client, order, s => s is "ready" or "valid", cancellationToken);
        if (order.Status == "ready")
        {
            var csr = CertificateSigningRequests.ServerRequest(domains, key).CreateSigningRequest();
            order = await client.FinalizeAsync(order, csr, cancellationToken);
            order = await WaitOrderAsync(client, order, s => s == "valid", cancellationToken);
        }
        var certificateUrl = order.Certificate ?? throw new AcmeException("the order is valid but has no certificate URL");
        var pem = await client.DownloadCertificateAsync(certificateUrl, cancellationToken);
        return Combine(pem, key);
    }

    private async Task AuthorizeAsync(AcmeClient client, Uri url, string challengeType, CancellationToken cancellationToken)
    {
        var authorization = await client.GetAuthorizationAsync(url, cancellationToken);
        if (authorization.Status == "valid")
        {
            // The CA remembers an earlier validation of this name for this account.
            return;
        }
        var challenge = authorization.Challenges.FirstOrDefault(c => c.Type == challengeType)
            ?? throw new AcmeException($"the CA offers no {challengeType} challenge for {authorization.Identifier} (offered: {string.Join(", ", authorization.Challenges.Select(c => c.Type))})");
        var keyAuthorization = client.Jws.KeyAuthorization(challenge.Token);
        var domain = authorization.Identifier;
        if (challengeType == AcmeChallengeTypes.Http01)
        {
            await http01.EnsureListeningAsync();
            answers.AddHttp(challenge.Token, keyAuthorization);
        }
        else
        {
            await tlsAlpn01.EnsureListeningAsync();
            answers.AddTlsAlpn(domain, TlsAlpn01Responder.CreateCertificate(domain, keyAuthorization));
        }
        try
        {
            await client.AnswerChallengeAsync(challenge.Url, cancellationToken);
            var deadline = DateTime.UtcNow + PollTimeout;
            var delay = TimeSpan.FromMilliseconds(250);
            while (true)
            {
                authorization = await client.GetAuthorizationAsync(url, cancellationToken);
                if (authorization.Status == "valid")
                {
                    return;
                }
                if (authorization.Status is "invalid" or "deactivated" or "expired" or "revoked")
                {
                    var failed = authorization.Challenges.FirstOrDefault(c => c.Type == challengeType);
                    // The CA's own error (e.g. pebble: "The key authorization file from the server did not match …").
                    throw failed?.Error is { } problem
                        ? new AcmeProblemException(problem with { Detail = $"{challengeType} for {domain}: {problem.Detail}" })
                        : new AcmeException($"the {challengeType} challenge for {domain} is {authorization.Status}");
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new AcmeException($"the CA did not validate {domain} within {PollTimeout.TotalMinutes} minutes");
                }
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
        finally
        {
            answers.RemoveHttp(challenge.Token);
            answers.RemoveTlsAlpn(domain);
        }
    }

    private static async Task<AcmeOrder> WaitOrderAsync(AcmeClient client, AcmeOrder order, Func<string, bool> done, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + PollTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (!done(order.Status))
        {
            if (order.Status == "invalid")
            {
                throw order.Error is { } problem ? new AcmeProblemException(problem) : new AcmeException("the CA marked the order invalid");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new AcmeException($"the order stayed '{order.Status}' for {PollTimeout.TotalMinutes} minutes");
            }
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            order = await client.GetOrderAsync(order.Url, cancellationToken);
        }
        return order;
    }

    /// <summary>The leaf (first PEM block) joined with its key, as SslStream on Linux wants it; the rest is the chain.</summary>
    public static AcmeIssued Combine(string pem, AsymmetricAlgorithm key)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(pem);
        if (all.Count == 0)
        {
            throw new AcmeException("the CA's certificate download holds no certificate");
        }
        using var leaf = all[0];
        using var withKey = key switch
        {
            RSA rsa => leaf.CopyWithPrivateKey(rsa),
            ECDsa ec => leaf.CopyWithPrivateKey(ec),
            _ => throw new ArgumentException("RSA or ECDSA keys only", nameof(key)),
        };
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }
        return new AcmeIssued(certificate, chain);
    }
}
