using System.Collections.Immutable;
using System.Security.Authentication;
using MailHost.Server.Delivery;
using MailHost.Server.Queue;
using MailHost.Shared.Entities;
using MailHost.Shared.Snapshot;

namespace MailHost.Server.Tests.Delivery;

public sealed class QueuePolicyTests
{
    private static readonly TimeSpan[] Schedule = [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(240)];

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 240)]
    [InlineData(9, 240)]
    public void DelayAfter_LastStepRepeats(int attempts, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), RetryScheduleCalculator.DelayAfter(attempts, Schedule));

    [Fact]
    public void IsExpired_AtGiveUpAge()
    {
        var created = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.False(RetryScheduleCalculator.IsExpired(created, created.AddDays(5).AddSeconds(-1), TimeSpan.FromDays(5)));
        Assert.True(RetryScheduleCalculator.IsExpired(created, created.AddDays(5), TimeSpan.FromDays(5)));
    }

    [Theory]
    [InlineData("mx said: 550 5.1.1 <bob>: no such user", "5.1.1")]
    [InlineData("mx said: 452 too many recipients", "4.0.0")]
    [InlineData("556 5.1.10 null MX", "5.1.10")]
    public void StatusOf_EnhancedCodeOrClass(string reply, string status) => Assert.Equal(status, DsnBuilder.StatusOf(reply));

    [Theory]
    [InlineData(null, "failed", true)]
    [InlineData(null, "delayed", false)]
    [InlineData("NEVER", "failed", false)]
    [InlineData("SUCCESS", "failed", false)]
    [InlineData("SUCCESS,FAILURE", "failed", true)]
    [InlineData("delay", "delayed", true)]
    public void Wants_HonoursNotify(string? notify, string action, bool expected) => Assert.Equal(expected, BounceSender.Wants(notify, action));

    [Fact]
    public void DsnBuild_RetHdrs_ReturnsHeadersOnly()
    {
        var original = new QueuedMessage { Id = "x", Sender = "a@example.test", DsnRet = "HDRS", CreatedUtc = DateTime.UtcNow };
        var content = "Subject: s\r\n\r\nsecret body\r\n"u8.ToArray();
        var dsn = System.Text.Encoding.UTF8.GetString(DsnBuilder.Build("mx.test", original,
            [new DsnRecipient("b@example.test", "rfc822;B@example.test", "failed", "550 5.1.1 nope", "mx.example.test", DateTime.UtcNow)], content, DateTime.UtcNow));
        Assert.Contains("Content-Type: text/rfc822-headers", dsn);
        Assert.Contains("Original-Recipient: rfc822;B@example.test", dsn);
        Assert.Contains("Subject: s", dsn);
        Assert.DoesNotContain("secret body", dsn);
    }

    [Fact]
    public void DsnBuild_Utf8Reply_HumanPartKeepsIt_StatusFieldsStayAscii_FullReturnByteForByte()
    {
        var original = new QueuedMessage { Id = "x", Sender = "a@example.test", DsnEnvelopeId = "env-1", CreatedUtc = DateTime.UtcNow };
        var content = "Subject: s\r\nX-Odd:   kept   as   sent\r\n\r\nbody line\r\n"u8.ToArray();
        var dsn = DsnBuilder.Build("mx.test", original,
            [new DsnRecipient("b@example.test", null, "failed", "550 5.1.1 boîte inconnue\r\nsecond line", "mx.example.test", DateTime.UtcNow)], content, DateTime.UtcNow);

        // The whole DSN is 7-bit on the wire: the peer's UTF-8 text travels encoded in the human part.
        Assert.DoesNotContain(dsn, b => b > 127);
        var message = MimeKit.MimeMessage.Load(new MemoryStream(dsn));
        var report = Assert.IsType<MimeKit.MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Contains("boîte inconnue", Assert.IsType<MimeKit.TextPart>(report[0]).Text);
        var groups = Assert.IsType<MimeKit.MessageDeliveryStatus>(report[1]).StatusGroups;
        Assert.Equal("env-1", groups[0]["Original-Envelope-Id"]!.Trim());
        Assert.Equal("5.1.1", groups[1]["Status"]!.Trim());
        Assert.Equal("smtp; 550 5.1.1 bo\\x{EE}te inconnue  second line", groups[1]["Diagnostic-Code"]!.Trim());
        // message/rfc822: the bytes we received, not a re-serialised copy.
        Assert.Contains("X-Odd:   kept   as   sent\r\n\r\nbody line", System.Text.Encoding.ASCII.GetString(dsn));
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
    }

    [Fact]
    public void FindRoute_FirstMatchingRouteRuleInOrder_ElseMx()
    {
        RelayRuleSpec Rule(int order, string name, string recipient, RelayAction action = RelayAction.Route) =>
            new(order, order, name, null, null, "", recipient, action, "", name + ".relay.test", 587, "", "", OutboundTlsLevel.Verify, SslProtocols.Tls13);
        var snapshot = MailHostSnapshot.Empty with
        {
            RelayRules = [Rule(30, "catchall", ""), Rule(10, "deny", "*.example.test", RelayAction.Deny), Rule(20, "wild", "*.example.test")],
        };
        var route = OutboundRoute.Find(snapshot, "mailhost.test", "sub.example.test", 25);
        Assert.Equal(("wild", "wild.relay.test", 587, OutboundTlsLevel.Verify, SslProtocols.Tls13), (route.Name, route.SmartHost, route.Port, route.TlsLevel, route.Protocols));
        Assert.Equal("catchall", OutboundRoute.Find(snapshot, "mailhost.test", "other.test", 25).Name);
        var mx = OutboundRoute.Find(MailHostSnapshot.Empty, "mailhost.test", "other.test", 2525);
        Assert.Equal(("MX", null, 2525, OutboundTlsLevel.May), (mx.Name, mx.SmartHost, mx.Port, mx.TlsLevel));
    }
}
