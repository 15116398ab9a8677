using System.Net;
using MailHost.Server.MailAuth.Spf;
using Xunit.Abstractions;

namespace MailHost.Server.Tests.MailAuth;

/// <summary>
/// Drives every case of the openspf RFC 7208 suite through <see cref="SpfVerifier"/> on a fake
/// (in-memory) resolver built from the scenario's zone data. The suite's "header" expectations
/// (pyspf's own Received-SPF wording) are not compared; results and explanations are.
/// </summary>
public sealed class OpenSpfSuiteTests(ITestOutputHelper output)
{
    /// <summary>Cases not run, each with the reason. Empty means all of them run.</summary>
    private static readonly Dictionary<string, string> Skipped = new(StringComparer.Ordinal)
    {
    };

    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in OpenSpfSuite.Cases)
        {
            data.Add(c.Id);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task Case_GivesTheSuitesResult(string id)
    {
        if (Skipped.ContainsKey(id))
        {
            return;
        }
        var c = OpenSpfSuite.Cases.Single(x => x.Id == id);
        var (ok, detail) = await RunAsync(c);
        Assert.True(ok, detail);
    }

    [Fact]
    public async Task WholeSuite_PassFigure()
    {
        var passed = 0;
        var failures = new List<string>();
        foreach (var c in OpenSpfSuite.Cases.Where(c => !Skipped.ContainsKey(c.Id)))
        {
            var (ok, detail) = await RunAsync(c);
            if (ok)
            {
                passed++;
            }
            else
            {
                failures.Add(detail);
            }
        }
        output.WriteLine($"openspf RFC 7208 suite: {passed}/{OpenSpfSuite.Cases.Count} passed, {Skipped.Count} skipped");
        foreach (var f in failures)
        {
            output.WriteLine(f);
        }
        Assert.True(OpenSpfSuite.Cases.Count > 100, "the suite did not load");
        Assert.Empty(failures);
    }

    private static async Task<(bool Ok, string Detail)> RunAsync(OpenSpfSuite.Case c)
    {
        var verifier = new SpfVerifier(c.Zone, TimeProvider.System);
        var options = new SpfOptions { DefaultExplanation = "DEFAULT" };
        var outcome = await verifier.CheckMailFromAsync(IPAddress.Parse(c.Host), c.MailFrom, c.Helo, options, CancellationToken.None);
        var resultOk = c.Results.Contains(outcome.Keyword);
        var explanationOk = c.Explanation is null || outcome.Result != SpfResult.Fail || c.Explanation == outcome.Explanation;
        return (resultOk && explanationOk,
            $"{c.Id} ({c.Scenario}): expected {string.Join('|', c.Results)}{(c.Explanation is null ? "" : $" \"{c.Explanation}\"")}, got {outcome.Keyword} \"{outcome.Explanation}\" ({outcome.Reason})");
    }
}
