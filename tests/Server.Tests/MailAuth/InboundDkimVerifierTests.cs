using System.Text;
using MailHost.Server.MailAuth.Dkim;
using MimeKit;

namespace MailHost.Server.Tests.MailAuth;

/// <summary>
/// Signatures made by dkimpy, verified by <see cref="InboundDkimVerifier"/> (MimeKit underneath) with key
/// records served by a fake resolver (<see cref="ZoneResolver"/>); dkimpy's own verdict is the cross-check.
/// </summary>
public sealed class InboundDkimVerifierTests : IDisposable
{
    private const string Body = "Hello,\r\n\r\nthis is the body.\r\n";
    private readonly DkimPy _py = new();

    private static byte[] Message(string body = Body) => Encoding.ASCII.GetBytes(
        "From: Alice <alice@signer.test>\r\nTo: bob@example.test\r\nSubject: hi\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@signer.test>\r\n\r\n" + body);

    private static async Task<IReadOnlyList<DkimSignatureCheck>> VerifyAsync(ZoneResolver zone, byte[] message)
    {
        using var stream = new MemoryStream(message);
        var parsed = await MimeMessage.LoadAsync(stream);
        return await new InboundDkimVerifier(new DkimKeyCache(zone, TimeProvider.System), TimeProvider.System).VerifyAsync(parsed, CancellationToken.None);
    }

    private byte[] Signed(byte[] message, string selector, string keyFile, string algorithm, string? identity = null) =>
        [.. Encoding.ASCII.GetBytes(_py.Sign(message, selector, "signer.test", keyFile, algorithm, identity)), .. message];

    [Theory]
    [InlineData("rsa", "rsa-sha256")]
    [InlineData("ed25519", "ed25519-sha256")]
    public async Task DkimpySignature_PassesHereAndInDkimpy(string type, string algorithm)
    {
        var (key, record) = _py.NewKey("k" + type, type);
        var zone = new ZoneResolver().Txt("sel._domainkey.signer.test", record);
        var message = Signed(Message(), "sel", key, algorithm);
        var result = Assert.Single(await VerifyAsync(zone, message));
        Assert.Equal(DkimResult.Pass, result.Result);
        Assert.Equal(("signer.test", "sel", algorithm), (result.Domain, result.Selector, result.Algorithm));
        Assert.True(_py.Verify(message, record));
    }

    [Theory]
    [InlineData("rsa", "rsa-sha256")]
    [InlineData("ed25519", "ed25519-sha256")]
    public async Task AlteredBody_FailsHereAndInDkimpy(string type, string algorithm)
    {
        var (key, record) = _py.NewKey("a" + type, type);
        var zone = new ZoneResolver().Txt("sel._domainkey.signer.test", record);
        var signature = _py.Sign(Message(), "sel", "signer.test", key, algorithm);
        var altered = Encoding.ASCII.GetBytes(signature).Concat(Message(Body.Replace("body", "BODY", StringComparison.Ordinal))).ToArray();
        Assert.Equal(DkimResult.Fail, Assert.Single(await VerifyAsync(zone, altered)).Result);
        Assert.False(_py.Verify(altered, record));
    }

    [Fact]
    public async Task TwoSignatures_EachGetsItsOwnResult()
    {
        var (rsa, rsaRecord) = _py.NewKey("two-rsa", "rsa");
        var (ed, _) = _py.NewKey("two-ed", "ed25519");
        // The Ed25519 selector's record is revoked (empty p=): that signature fails, the RSA one passes.
        var zone = new ZoneResolver().Txt("r._domainkey.signer.test", rsaRecord).Txt("e._domainkey.signer.test", "v=DKIM1; k=ed25519; p=");
        var once = Signed(Message(), "r", rsa, "rsa-sha256");
        var twice = Signed(once, "e", ed, "ed25519-sha256");
        var results = await VerifyAsync(zone, twice);
        Assert.Equal(2, results.Count);
        Assert.Contains(results, r => r.Selector == "r" && r.Result == DkimResult.Pass);
        Assert.Contains(results, r => r.Selector == "e" && r.Result == DkimResult.Fail && r.Reason.Contains("revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordChecks_KeyTypeHashServiceAndStrictFlag()
    {
        var (key, record) = _py.NewKey("checks", "rsa");
        var p = record[record.IndexOf("p=", StringComparison.Ordinal)..];
        var zone = new ZoneResolver()
            .Txt("wrongk._domainkey.signer.test", "v=DKIM1; k=ed25519; " + p)
            .Txt("wrongh._domainkey.signer.test", "v=DKIM1; h=sha1; " + p)
            .Txt("wrongs._domainkey.signer.test", "v=DKIM1; s=other; " + p)
            .Txt("strict._domainkey.signer.test", "v=DKIM1; t=s; " + p)
            .Txt("loose._domainkey.signer.test", "v=DKIM1; t=y; " + p);
        async Task<DkimSignatureCheck> One(string selector, string? identity = null) =>
            Assert.Single(await VerifyAsync(zone, Signed(Message(), selector, key, "rsa-sha256", identity)));

        Assert.Equal(DkimResult.PermError, (await One("wrongk")).Result);
        Assert.Equal(DkimResult.PermError, (await One("wrongh")).Result);
        Assert.Equal(DkimResult.PermError, (await One("wrongs")).Result);
        Assert.Equal(DkimResult.PermError, (await One("strict", "alice@mail.signer.test")).Result);
        Assert.Equal(DkimResult.Pass, (await One("strict", "alice@signer.test")).Result);
        // Without t=s a subdomain identity is fine; t=y is recorded.
        var loose = await One("loose", "alice@mail.signer.test");
        Assert.Equal((DkimResult.Pass, true), (loose.Result, loose.Testing));
    }

    [Fact]
    public async Task MissingKeyIsPermerror_DnsTimeoutIsTemperror_AndKeysAreCached()
    {
        var (key, record) = _py.NewKey("miss", "rsa");
        var zone = new ZoneResolver().Timeout("slow._domainkey.signer.test").Txt("sel._domainkey.signer.test", record);
        Assert.Equal(DkimResult.PermError, Assert.Single(await VerifyAsync(zone, Signed(Message(), "gone", key, "rsa-sha256"))).Result);
        Assert.Equal(DkimResult.TempError, Assert.Single(await VerifyAsync(zone, Signed(Message(), "slow", key, "rsa-sha256"))).Result);

        var cache = new DkimKeyCache(zone, TimeProvider.System);
        var verifier = new InboundDkimVerifier(cache, TimeProvider.System);
        var message = await MimeMessage.LoadAsync(new MemoryStream(Signed(Message(), "sel", key, "rsa-sha256")));
        var before = zone.Queries;
        Assert.Equal(DkimResult.Pass, Assert.Single(await verifier.VerifyAsync(message, CancellationToken.None)).Result);
        Assert.Equal(DkimResult.Pass, Assert.Single(await verifier.VerifyAsync(message, CancellationToken.None)).Result);
        Assert.Equal(1, zone.Queries - before);
    }

    public void Dispose() => _py.Dispose();
}
