using System.Security.Authentication;
using MailHost.Server.Policy;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;

namespace MailHost.Server.Tests.Smtp;

public sealed class RelayRuleEvaluatorTests
{
    private static RelayRuleSpec Rule(int order, RelayAction action, string recipient = "", string sender = "", bool? auth = null, int? range = null) =>
        new(order, order, $"rule{order}", auth, range, sender, recipient, action, $"text {order}", "", 25, "", "", OutboundTlsLevel.May, SslProtocols.Tls12);

    private static RelayContext Ctx(string recipient, bool secure = false, bool auth = false, int? range = null, string sender = "s.example") =>
        new(auth, secure, range, sender, recipient);

    [Theory]
    [InlineData("", "any.example", true)]
    [InlineData("*", "any.example", true)]
    [InlineData("example.com", "EXAMPLE.com", true)]
    [InlineData("example.com", "example.com.", true)]
    [InlineData("example.com", "sub.example.com", false)]
    [InlineData("*.example.com", "sub.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "badexample.com", false)]
    public void DomainMatches(string pattern, string domain, bool expected) => Assert.Equal(expected, RelayRuleEvaluator.DomainMatches(pattern, domain));

    [Fact]
    public void Evaluate_FirstDecisiveRuleWins_InOrder()
    {
        var rules = new[] { Rule(2, RelayAction.Allow, "x.example"), Rule(1, RelayAction.Deny, "x.example") };
        Assert.Equal(RelayVerdict.Deny, RelayRuleEvaluator.Evaluate(rules, Ctx("x.example")).Verdict);
    }

    [Fact]
    public void Evaluate_RequireTls_DecidesOnlyOnPlaintext()
    {
        var rules = new[] { Rule(1, RelayAction.RequireTls, "p.example"), Rule(2, RelayAction.Allow, "p.example") };
        Assert.Equal(RelayVerdict.TlsRequired, RelayRuleEvaluator.Evaluate(rules, Ctx("p.example")).Verdict);
        Assert.Equal(RelayVerdict.Allow, RelayRuleEvaluator.Evaluate(rules, Ctx("p.example", secure: true)).Verdict);
    }

    [Fact]
    public void Evaluate_ConditionsOnAuthRangeAndSender()
    {
        var rules = new[] { Rule(1, RelayAction.Allow, auth: true), Rule(2, RelayAction.Allow, range: 7), Rule(3, RelayAction.Allow, sender: "good.example") };
        Assert.Equal(RelayVerdict.None, RelayRuleEvaluator.Evaluate(rules, Ctx("r.example")).Verdict);
        Assert.Equal(RelayVerdict.Allow, RelayRuleEvaluator.Evaluate(rules, Ctx("r.example", auth: true)).Verdict);
        Assert.Equal(RelayVerdict.Allow, RelayRuleEvaluator.Evaluate(rules, Ctx("r.example", range: 7)).Verdict);
        Assert.Equal(RelayVerdict.Allow, RelayRuleEvaluator.Evaluate(rules, Ctx("r.example", sender: "good.example")).Verdict);
    }

    [Fact]
    public void Evaluate_RouteRules_NeverDecide() =>
        Assert.Equal(RelayVerdict.None, RelayRuleEvaluator.Evaluate([Rule(1, RelayAction.Route)], Ctx("r.example")).Verdict);
}
