using System.Text;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>After authentication an APPEND literal goes to a temporary file: a 30 MB APPEND leaves the peak memory (VmHWM) nearly where it was.</summary>
public sealed class ImapAppendMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Append_30MbLiteral_SpooledToDisk_PeakMemoryBounded_MessageIntact()
    {
        var (server, dataDir) = await ImapAbuseServer.StartAsync();
        try
        {
            await using var client = await ImapAbuseServer.OpenAsync(server, "alice@example.com");
            const int Size = 30 * 1024 * 1024;
            var line = Encoding.ASCII.GetBytes("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq\r\n");
            var header = "From: a@example.com\r\nSubject: big\r\n\r\n"u8.ToArray();
            await Task.Delay(500);
            var peakBefore = PeakKb(server.ProcessId);
            await client.SendAsync($"A APPEND INBOX {{{Size}+}}\r\n");
            await client.SendBytesAsync(header);
            var sent = header.Length;
            while (sent + line.Length <= Size)
            {
                await client.SendBytesAsync(line);
                sent += line.Length;
            }
            await client.SendBytesAsync(Enumerable.Repeat((byte)'x', Size - sent).ToArray());
            await client.SendAsync("\r\n");
            Assert.StartsWith("A OK", (await client.UntilTaggedAsync("A"))[^1]);
            var peakAfter = PeakKb(server.ProcessId);
            output.WriteLine($"VmHWM {peakBefore / 1024} MB before, {peakAfter / 1024} MB after a {Size / 1024 / 1024} MB APPEND");
            // Before the fix the literal was assembled in memory (30 MB and more).
            Assert.True(peakAfter - peakBefore < 20 * 1024, $"peak memory grew from {peakBefore} KB to {peakAfter} KB");
            var fetch = await client.CommandAsync("F", "FETCH 1 (RFC822.SIZE)");
            Assert.Contains(fetch, l => l.Contains($"RFC822.SIZE {Size}", StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDir, "imap-spool")));
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
