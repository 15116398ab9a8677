using System.Text;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// FETCH streams literals from the message file: 100 BODY.PEEK[] items of a 1 MB message (100 MB
/// on the wire) leave the process's peak memory (VmHWM) nearly where it was; more than the item cap is BAD.
/// </summary>
public sealed class ImapFetchMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fetch_100WholeMessageItemsOf1MbMessage_StreamedPeakMemoryBounded_1000ItemsBad()
    {
        var (server, dataDir) = await ImapAbuseServer.StartAsync();
        try
        {
            await using var client = await ImapAbuseServer.OpenAsync(server, "alice@example.com");
            var body = new StringBuilder("From: a@example.com\r\nSubject: big\r\n\r\n");
            while (body.Length < 1024 * 1024)
            {
                body.Append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n");
            }
            var message = body.ToString();
            await client.SendAsync($"A APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            Assert.StartsWith("A OK", (await client.UntilTaggedAsync("A"))[^1]);
            Assert.StartsWith("N OK", (await client.CommandAsync("N", "NOOP"))[^1]);

            var tooMany = string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", 1000));
            Assert.StartsWith("X BAD", (await client.CommandAsync("X", $"FETCH 1 ({tooMany})"))[^1]);

            await Task.Delay(500);
            var peakBefore = PeakKb(server.ProcessId);
            var items = string.Join(' ', Enumerable.Repeat("BODY.PEEK[]", 100));
            await client.SendLineAsync($"F FETCH 1 ({items})");
            var received = await client.DrainUntilAsync("F OK FETCH completed\r\n");
            var peakAfter = PeakKb(server.ProcessId);
            output.WriteLine($"{received / 1024 / 1024} MB received; VmHWM {peakBefore / 1024} MB before, {peakAfter / 1024} MB after");
            Assert.True(received > 100L * message.Length, $"received {received} bytes");
            // Before the fix the answer was built in memory first: 100 MB and more of growth.
            Assert.True(peakAfter - peakBefore < 48 * 1024, $"peak memory grew from {peakBefore} KB to {peakAfter} KB");
            Assert.StartsWith("Z OK", (await client.CommandAsync("Z", "NOOP"))[^1]);
        }
        finally
        {
            await server.DisposeAsync();
            TestDataDir.Delete(dataDir);
        }
    }

    private static long PeakKb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
