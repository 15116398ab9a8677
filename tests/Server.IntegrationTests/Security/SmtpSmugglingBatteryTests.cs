using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// SMTP smuggling (CVE-2023-51764/51765/51766 class): a fake end-of-data inside DATA followed by a
/// second transaction, then the real CRLF.CRLF. Only one message may ever come out, and where the
/// server refuses bare CR/LF the reply says so. Extends Smtp/SmtpDataTests (which checks six
/// variants' reply) with more variants, split delivery, NUL bytes, BDAT, and a count of the queue.
/// </summary>
public sealed class SmtpSmugglingBatteryTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private const string Smuggled = "MAIL FROM:<evil@attacker.test>\r\nRCPT TO:<victim@smuggled.test>\r\nDATA\r\nFrom: ceo@example.com\r\nSubject: smuggled\r\n\r\nsecond\r\n";

    private SecurityServer Server => fixture.Server;
    private MessageSpool Spool => Server.Services.GetRequiredService<MessageSpool>();

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\n.\r\n")]
    [InlineData("\r.\r")]
    [InlineData("\r\n.\r")]
    [InlineData("\r\n.\n")]
    [InlineData("\r.\r\n")]
    [InlineData("\r\n.\r\r\n")]
    [InlineData("\r\n.\n\r\n")]
    [InlineData("\r\n\r.\r\n")]
    [InlineData("\r\n..\n")]
    [InlineData("\r\n. \r\n")]
    [InlineData("\r\n.\u000b\r\n")]
    public async Task Data_FakeEndOfData_OneRefusal_NoSecondMessage(string fakeEnd)
    {
        var replies = await SendDataAsync("Subject: one\r\n\r\nfirst" + fakeEnd + Smuggled, split: false);
        await AssertAtMostOneMessageAsync(replies, mustRefuse: fakeEnd.Replace("\r\n", "", StringComparison.Ordinal).Contains('\r') || fakeEnd.Replace("\r\n", "", StringComparison.Ordinal).Contains('\n'));
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\r\n.\n")]
    [InlineData("\r\n.\r")]
    [InlineData("\r.\r\n")]
    public async Task Data_FakeEndSplitAcrossPackets_NoSecondMessage(string fakeEnd)
    {
        var replies = await SendDataAsync("Subject: one\r\n\r\nfirst" + fakeEnd + Smuggled, split: true);
        await AssertAtMostOneMessageAsync(replies, mustRefuse: true);
    }

    [Fact]
    public async Task Data_DotLfAtStartOfData_NoSecondMessage()
    {
        var replies = await SendDataAsync(".\n" + Smuggled, split: false);
        await AssertAtMostOneMessageAsync(replies, mustRefuse: true);
    }

    [Theory]
    [InlineData("bare\rcr")]
    [InlineData("bare\nlf")]
    [InlineData("trailing cr\r")]
    public async Task Data_BareLineEndingInsideLine_Refused(string line)
    {
        var replies = await SendDataAsync("Subject: bare\r\n\r\n" + line + "\r\n", split: false);
        await AssertAtMostOneMessageAsync(replies, mustRefuse: true);
    }

    [Theory]
    [InlineData("first\0\r\n.\0\r\n")]
    [InlineData("first\r\n\0.\r\n")]
    [InlineData("first\0\n.\0\n")]
    public async Task Data_NulBytes_NoSecondMessage(string fakeEnd)
    {
        var replies = await SendDataAsync("Subject: nul\r\n\r\n" + fakeEnd + Smuggled, split: false);
        await AssertAtMostOneMessageAsync(replies, mustRefuse: fakeEnd.Contains("\0\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\r\n.\r\n")]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    public async Task Bdat_EmbeddedEndAndCommands_AreOneChunk_NoSecondMessage(string fakeEnd)
    {
        var before = Spool.ListIds().ToHashSet();
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO client.test", "250");
        await client.ExpectAsync("MAIL FROM:<sender@sender.test>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.test>", "250");
        var chunk = Encoding.UTF8.GetBytes("Subject: bdat\r\n\r\nfirst" + fakeEnd + Smuggled + ".\r\n");
        await client.SendAsync($"BDAT {chunk.Length} LAST\r\n" + Encoding.UTF8.GetString(chunk));
        var reply = (await client.ReadSmtpReplyAsync())[^1];
        Assert.True(reply.StartsWith("250", StringComparison.Ordinal) || reply.StartsWith("550 5.6.11", StringComparison.Ordinal), reply);
        // Had the embedded commands run, a transaction would be open and RCPT would not get 503.
        await client.ExpectAsync("RCPT TO:<x@remote.test>", "503");
        await AssertQueueAsync(before, maxNew: 1);
    }

    /// <remarks>A body holding a real CRLF.CRLF after a bare CR/LF (e.g. "\n\r\n.\r\n") is not smuggling: every receiver ends there.</remarks>
    /// <summary>Runs one DATA transaction from My computer to a remote recipient (so the message stays in the queue).</summary>
    private async Task<(List<string> DataReply, string AfterReply, HashSet<string> Before)> SendDataAsync(string body, bool split)
    {
        var before = Spool.ListIds().ToHashSet();
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO client.test", "250");
        await client.ExpectAsync("MAIL FROM:<sender@sender.test>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.test>", "250");
        await client.ExpectAsync("DATA", "354");
        if (split)
        {
            // One byte per write around every CR/LF, so the fake terminator straddles reads.
            foreach (var ch in body)
            {
                await client.SendAsync(ch.ToString());
            }
        }
        else
        {
            await client.SendAsync(body);
        }
        await client.SendAsync(".\r\n");
        var dataReply = await client.ReadSmtpReplyAsync();
        // Had a smuggled MAIL run, a transaction would be open and this RCPT would not get 503.
        var after = (await client.SmtpAsync("RCPT TO:<x@remote.test>"))[^1];
        return (dataReply, after, before);
    }

    private async Task AssertAtMostOneMessageAsync((List<string> DataReply, string AfterReply, HashSet<string> Before) r, bool mustRefuse)
    {
        var reply = r.DataReply[^1];
        if (mustRefuse)
        {
            Assert.StartsWith("550 5.6.11", reply);
        }
        else
        {
            Assert.True(reply.StartsWith("250", StringComparison.Ordinal) || reply.StartsWith("550 5.6.11", StringComparison.Ordinal), reply);
        }
        Assert.StartsWith("503", r.AfterReply);
        await AssertQueueAsync(r.Before, maxNew: reply.StartsWith("250", StringComparison.Ordinal) ? 1 : 0);
    }

    private async Task AssertQueueAsync(HashSet<string> before, int maxNew)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var added = (await Spool.ListAsync(cts.Token)).Where(m => !before.Contains(m.Id)).ToList();
        Assert.True(added.Count <= maxNew, $"{added.Count} new messages queued");
        Assert.DoesNotContain(added, m => m.Recipients.Any(x => x.Address.Contains("smuggled.test", StringComparison.Ordinal)));
        Assert.DoesNotContain(added, m => m.Sender.Contains("attacker", StringComparison.Ordinal));
    }
}
