using MailHost.Server.MailAuth;
using MailHost.Server.MailAuth.Dkim;
using MailHost.Server.MailAuth.Dmarc;
using MailHost.Server.MailAuth.Spf;

namespace MailHost.Server.Tests.MailAuth;

/// <summary>DMARC on a fake resolver (<see cref="ZoneResolver"/>): tree walk, alignment, p/sp/np, pct and t.</summary>
public sealed class DmarcEvaluatorTests
{
    private static DkimSignatureCheck Dkim(string domain, DkimResult result = DkimResult.Pass) =>
        new(result, domain, "s", null, "rsa-sha256", "abcdefgh", "");

    private static Task<DmarcOutcome> Evaluate(ZoneResolver zone, string from, string spfDomain, SpfResult spf, DkimSignatureCheck[] dkim, int sample = 0) =>
        new DmarcEvaluator(zone).EvaluateAsync(from, spfDomain, spf, dkim, sample, CancellationToken.None);

    [Fact]
    public void TreeWalk_Names_JumpToSevenLabels()
    {
        Assert.Equal(["a.b.example.test", "b.example.test", "example.test", "test"], DmarcTreeWalk.Names("a.b.example.test"));
        var names = DmarcTreeWalk.Names("1.2.3.4.5.6.7.8.9.test");
        Assert.Equal("1.2.3.4.5.6.7.8.9.test", names[0]);
        Assert.Equal("4.5.6.7.8.9.test", names[1]);
        Assert.Equal("test", names[^1]);
    }

    [Fact]
    public async Task RelaxedAlignment_OrganizationalDomainFromTreeWalk_StrictNeedsExactDomain()
    {
        var zone = new ZoneResolver()
            .Txt("_dmarc.example.test", "v=DMARC1; p=reject")
            .Txt("_dmarc.strict.test", "v=DMARC1; p=reject; adkim=s; aspf=s");
        var relaxed = await Evaluate(zone, "mail.example.test", "bounce.example.test", SpfResult.Pass, []);
        Assert.Equal((DmarcResult.Pass, true, "example.test"), (relaxed.Result, relaxed.SpfAligned, relaxed.PolicyDomain));
        var dkimRelaxed = await Evaluate(zone, "example.test", "other.test", SpfResult.Pass, [Dkim("news.example.test")]);
        Assert.Equal((DmarcResult.Pass, false, true), (dkimRelaxed.Result, dkimRelaxed.SpfAligned, dkimRelaxed.DkimAligned));

        var strict = await Evaluate(zone, "strict.test", "bounce.strict.test", SpfResult.Pass, [Dkim("news.strict.test")]);
        Assert.Equal((DmarcResult.Fail, DmarcPolicy.Reject), (strict.Result, strict.Applied));
        Assert.Equal(DmarcResult.Pass, (await Evaluate(zone, "strict.test", "strict.test", SpfResult.Pass, [])).Result);
        // A DKIM signature that did not verify never aligns.
        Assert.Equal(DmarcResult.Fail, (await Evaluate(zone, "example.test", "x.test", SpfResult.Fail, [Dkim("example.test", DkimResult.Fail)])).Result);
    }

    [Fact]
    public async Task PublicSuffixDomain_PsdY_DoesNotMakeSiblingsAligned()
    {
        // "psd.test" is a public suffix domain (psd=y): a.psd.test and b.psd.test are different organizations.
        var zone = new ZoneResolver()
            .Txt("_dmarc.psd.test", "v=DMARC1; p=reject; psd=y")
            .Txt("_dmarc.a.psd.test", "v=DMARC1; p=reject");
        var outcome = await Evaluate(zone, "a.psd.test", "b.psd.test", SpfResult.Pass, []);
        Assert.Equal(DmarcResult.Fail, outcome.Result);
        Assert.Equal(DmarcResult.Pass, (await Evaluate(zone, "x.a.psd.test", "a.psd.test", SpfResult.Pass, [])).Result);
    }

    [Fact]
    public async Task SubdomainAndNonExistentPolicies()
    {
        var zone = new ZoneResolver()
            .Txt("_dmarc.example.test", "v=DMARC1; p=reject; sp=quarantine; np=none")
            .A("real.example.test", "192.0.2.1");
        Assert.Equal(DmarcPolicy.Reject, (await Evaluate(zone, "example.test", "x.test", SpfResult.Fail, [])).Requested);
        Assert.Equal(DmarcPolicy.Quarantine, (await Evaluate(zone, "real.example.test", "x.test", SpfResult.Fail, [])).Requested);
        Assert.Equal(DmarcPolicy.None, (await Evaluate(zone, "ghost.example.test", "x.test", SpfResult.Fail, [])).Requested);
    }

    [Fact]
    public async Task PctAndTestingLowerThePolicyOneStep()
    {
        var zone = new ZoneResolver()
            .Txt("_dmarc.pct.test", "v=DMARC1; p=reject; pct=20")
            .Txt("_dmarc.t.test", "v=DMARC1; p=quarantine; t=y");
        Assert.Equal(DmarcPolicy.Reject, (await Evaluate(zone, "pct.test", "x.test", SpfResult.Fail, [], sample: 10)).Applied);
        Assert.Equal(DmarcPolicy.Quarantine, (await Evaluate(zone, "pct.test", "x.test", SpfResult.Fail, [], sample: 50)).Applied);
        Assert.Equal(DmarcPolicy.None, (await Evaluate(zone, "t.test", "x.test", SpfResult.Fail, [])).Applied);
    }

    [Fact]
    public async Task NoRecord_None_TwoRecords_None_DnsError_TempError()
    {
        var zone = new ZoneResolver()
            .Txt("_dmarc.two.test", "v=DMARC1; p=reject").Txt("_dmarc.two.test", "v=DMARC1; p=none")
            .Timeout("_dmarc.slow.test");
        Assert.Equal(DmarcResult.None, (await Evaluate(zone, "nothing.test", "x.test", SpfResult.Fail, [])).Result);
        Assert.Equal(DmarcResult.None, (await Evaluate(zone, "two.test", "x.test", SpfResult.Fail, [])).Result);
        Assert.Equal(DmarcResult.TempError, (await Evaluate(zone, "slow.test", "x.test", SpfResult.Fail, [])).Result);
        Assert.Equal(DmarcResult.PermError, (await Evaluate(zone, null!, "x.test", SpfResult.Pass, [])).Result);
    }

    [Fact]
    public void ForgedResults_OnlyOurAuthservIdMatches()
    {
        Assert.True(ForgedResultsFilter.ClaimsOurId("Authentication-Results: MX.test.local; spf=pass", "mx.test.local"));
        Assert.True(ForgedResultsFilter.ClaimsOurId("authentication-results: (c) mx.test.local 1 ;\r\n\tdkim=pass", "mx.test.local"));
        Assert.False(ForgedResultsFilter.ClaimsOurId("Authentication-Results: mx.test.local.evil; spf=pass", "mx.test.local"));
        Assert.False(ForgedResultsFilter.ClaimsOurId("X-Authentication-Results: mx.test.local; spf=pass", "mx.test.local"));
    }

    [Fact]
    public async Task ForgedResults_RemovedFromHeaderOnly_BodyUntouched()
    {
        var input = "Received: x\r\nAuthentication-Results: mx.test.local;\r\n dkim=pass\r\nSubject: s\r\n\r\nAuthentication-Results: mx.test.local; body line\r\n"u8.ToArray();
        using var target = new MemoryStream();
        var removed = await ForgedResultsFilter.CopyAsync(new MemoryStream(input), target, "New: 1\r\n", "mx.test.local", CancellationToken.None);
        Assert.Equal(1, removed);
        Assert.Equal("New: 1\r\nReceived: x\r\nSubject: s\r\n\r\nAuthentication-Results: mx.test.local; body line\r\n", System.Text.Encoding.ASCII.GetString(target.ToArray()));
    }
}
