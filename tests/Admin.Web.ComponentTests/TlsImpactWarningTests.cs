using Bunit;
using MailHost.Admin.Web.Components.Shared;
using MailHost.Admin.Web.Logs;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;

namespace MailHost.Admin.Web.ComponentTests;

/// <summary>Defect 5: the TLS log's counts become the precise "who would break" lines, one grouped legacy note.</summary>
public sealed class TlsImpactWarningTests : ConsoleTestContext
{
    private static readonly Listener Smtp = new() { Name = "smtp", Port = 25, Protocol = ListenerProtocol.Smtp, TlsMode = TlsMode.StartTlsOptional, TlsPolicyId = 1 };
    private static readonly Listener Submissions = new() { Name = "submissions", Port = 465, Protocol = ListenerProtocol.Submission, TlsMode = TlsMode.ImplicitTls, TlsPolicyId = 1 };

    private string[] Lines(TlsImpact impact, string kind) =>
        [.. Render<TlsImpactWarning>(p => p.Add(c => c.Impact, impact)).FindAll($"[data-impact='{kind}']").Select(e => e.TextContent.Trim())];

    [Fact]
    public void Tls12Dropped_CountsPerListener_AndInboundMtaWarningOnlyForSmtp()
    {
        var before = TlsPresets.Create("intermediate");
        var after = TlsPresets.Create("intermediate");
        after.Tls12 = false;
        var usage = new TlsUsage(
            [new("smtp", "TLSv1.2", 7), new("smtp", "TLSv1.3", 3), new("submissions", "TLSv1.2", 1), new("imap", "TLSv1.2", 50)],
            [new("smtp", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 7)]);

        var impact = TlsImpactCheck.ForPolicy(before, after, [Smtp, Submissions], usage);

        Assert.Equal(
            ["⚠ 7 connections in the last 24 h used TLS 1.2 on smtp (port 25).", "⚠ 1 connection in the last 24 h used TLS 1.2 on submissions (port 465)."],
            Lines(impact, "break"));
        var inbound = Assert.Single(Lines(impact, "inbound-mta"));
        Assert.StartsWith("⚠ smtp (port 25) receives mail from other servers", inbound, StringComparison.Ordinal);
        Assert.Contains("plaintext", inbound, StringComparison.Ordinal);
        Assert.True(impact.NeedsConfirmation);
    }

    [Fact]
    public void NothingUsedWhatIsRemoved_NoBreakLine_AndNoConfirmation()
    {
        var before = TlsPresets.Create("intermediate");
        var after = TlsPresets.Create("intermediate");
        after.Tls12 = false;
        var usage = new TlsUsage([new("submissions", "TLSv1.3", 4)], []);

        var impact = TlsImpactCheck.ForPolicy(before, after, [Submissions], usage);

        Assert.Empty(impact.Breaks);
        Assert.False(impact.NeedsConfirmation);
        var cut = Render<TlsImpactWarning>(p => p.Add(c => c.Impact, impact).Add(c => c.ShowNone, true));
        Assert.Contains("No connection in the last 24 h", cut.Find("[data-impact='none']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void LegacyToIntermediate_RemovedCiphersGroupedInOneLine_VersionsSeparately()
    {
        var submission = new Listener { Name = "submission", Port = 587, Protocol = ListenerProtocol.Submission, TlsMode = TlsMode.StartTlsRequired, TlsPolicyId = 1 };
        var usage = new TlsUsage(
            [new("submission", "TLSv1", 2), new("submission", "TLSv1.2", 13)],
            [new("submission", "TLS_RSA_WITH_AES_128_CBC_SHA", 4), new("submission", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 1), new("submission", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 9)]);

        var impact = TlsImpactCheck.ForPolicy(TlsPresets.Create("legacy"), TlsPresets.Create("intermediate"), [submission], usage);

        Assert.Equal(
            ["⚠ 2 connections in the last 24 h used TLS 1.0 on submission (port 587).",
             "⚠ 5 connections in the last 24 h used ciphers this change removes (ECDHE-RSA-AES128-SHA ×1, AES128-SHA ×4) on submission (port 587)."],
            Lines(impact, "break"));
        Assert.Empty(impact.InboundMta);
    }

    [Fact]
    public void LegacyPreset_OneGroupedCipherWarning_NotOnePerCipher()
    {
        var impact = TlsImpactCheck.ForPolicy(null, TlsPresets.Create("legacy"), [], TlsUsage.Empty);

        var legacy = Lines(impact, "legacy");
        Assert.Equal(2, legacy.Length); // TLS 1.0/1.1, and the ciphers together
        Assert.Contains("RFC 8996", legacy[0], StringComparison.Ordinal);
        Assert.StartsWith("⚠ 16 legacy ciphers for old clients: 6 without forward secrecy", legacy[1], StringComparison.Ordinal);
        Assert.Contains("14 in CBC mode", legacy[1], StringComparison.Ordinal);
        Assert.Contains("AES256-SHA)", legacy[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ListenerToStartTlsRequired_PlaintextClientsCounted()
    {
        var before = new Listener { Name = "imap", Port = 143, Protocol = ListenerProtocol.Imap, TlsMode = TlsMode.StartTlsOptional };
        var after = new Listener { Name = "imap", Port = 143, Protocol = ListenerProtocol.Imap, TlsMode = TlsMode.StartTlsRequired };
        var usage = new TlsUsage([new("imap", "none", 5), new("imap", "TLSv1.3", 8)], []);

        var impact = TlsImpactCheck.ForListener(before, null, after, null, usage);

        Assert.Equal(["⚠ 5 connections in the last 24 h connected without TLS (\"STARTTLS required\" refuses that) on imap (port 143)."], Lines(impact, "break"));
    }
}
