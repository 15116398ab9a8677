using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Acme;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailHost.Server.IntegrationTests.Acme;

/// <summary>Our RFC 8555 client and challenge responders against a real pebble on loopback.</summary>
public sealed class AcmeClientTests : IAsyncLifetime
{
    private const string Name = "mail.acme.test";
    private PebbleServer _pebble = null!;
    private AcmeChallengeAnswers _answers = null!;
    private Http01Responder _http = null!;
    private TlsAlpn01Responder _tls = null!;

    public async Task InitializeAsync()
    {
        _pebble = await PebbleServer.StartAsync([Name, "imap.acme.test"]);
        var options = Options.Create(new AcmeOptions { AcmeBindAddress = "127.0.0.1", AcmeHttpPort = _pebble.HttpPort, AcmeTlsAlpnPort = _pebble.TlsPort });
        _answers = new AcmeChallengeAnswers();
        _http = new Http01Responder(_answers, options, NullLogger<Http01Responder>.Instance);
        _tls = new TlsAlpn01Responder(_answers, options, NullLogger<TlsAlpn01Responder>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _http.DisposeAsync();
        await _tls.DisposeAsync();
        await _pebble.DisposeAsync();
    }

    private AcmeClient NewClient(ECDsa key, string? accountUrl = null) =>
        new(AcmeClient.CreateHttpClient(_pebble.TrustedCaFile), _pebble.DirectoryUrl, key, accountUrl);

    [Fact]
    public async Task NewAccount_ReturnsAccountUrl_SameKeyFindsSameAccount()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = NewClient(key);
        var directory = await client.GetDirectoryAsync(CancellationToken.None);
        Assert.NotNull(directory.TermsOfService);
        var url = await client.CreateAccountAsync(["admin@acme.test"], termsAgreed: true, CancellationToken.None);
        Assert.StartsWith($"https://127.0.0.1:{_pebble.AcmePort}/", url, StringComparison.Ordinal);

        using var again = NewClient(key);
        Assert.Equal(url, await again.CreateAccountAsync(["admin@acme.test"], termsAgreed: true, CancellationToken.None));
    }

    [Fact]
    public async Task OrderWithoutAccount_IsRefusedWithTheCasProblemDocument()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = NewClient(key, accountUrl: $"https://127.0.0.1:{_pebble.AcmePort}/my-account/unknown");
        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => client.NewOrderAsync([Name], CancellationToken.None));
        Assert.Equal("accountDoesNotExist", ex.Problem.Kind);
        Assert.False(string.IsNullOrEmpty(ex.Problem.Detail));
    }

    [Theory]
    [InlineData(AcmeChallengeTypes.Http01)]
    [InlineData(AcmeChallengeTypes.TlsAlpn01)]
    public async Task Issue_WithChallenge_ChainVerifiesAgainstPebblesRoot(string challenge)
    {
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = NewClient(accountKey);
        await client.CreateAccountAsync(["admin@acme.test"], termsAgreed: true, CancellationToken.None);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = new AcmeIssuer(_answers, _http, _tls);

        var issued = await issuer.IssueAsync(client, [Name, "imap.acme.test"], challenge, key, CancellationToken.None);

        using var certificate = issued.Certificate;
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal([Name, "imap.acme.test"], MailHost.Server.Tls.CertificateFiles.HostNames(certificate).Order().Reverse().ToArray());
        Assert.NotEmpty(issued.Chain);
        var root = X509Certificate2.CreateFromPem(await _pebble.RootPemAsync());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(issued.Chain);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public async Task Http01_WrongAnswer_FailsWithPebblesError()
    {
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = NewClient(accountKey);
        await client.CreateAccountAsync(["admin@acme.test"], termsAgreed: true, CancellationToken.None);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Another key's answers: what a responder shared with a different account would serve.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var wrong = new WrongAnswers(_answers, new AcmeJws(otherKey));
        var issuer = new AcmeIssuer(wrong, _http, _tls);

        var ex = await Assert.ThrowsAsync<AcmeProblemException>(() => issuer.IssueAsync(client, [Name], AcmeChallengeTypes.Http01, key, CancellationToken.None));

        Assert.Equal("unauthorized", ex.Problem.Kind);
        // Pebble's own words, e.g. "The key authorization file from the server did not match this challenge".
        Assert.Contains("did not match", ex.Problem.Detail, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Serves the key authorization of another account key: the answer a real CA must reject.</summary>
internal sealed class WrongAnswers(AcmeChallengeAnswers inner, AcmeJws other) : AcmeChallengeAnswers
{
    public override void AddHttp(string token, string keyAuthorization) => inner.AddHttp(token, other.KeyAuthorization(token));

    public override void RemoveHttp(string token) => inner.RemoveHttp(token);
}
