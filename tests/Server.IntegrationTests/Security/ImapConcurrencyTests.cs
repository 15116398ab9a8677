using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Several sessions in one mailbox doing seeded random APPEND, STORE, EXPUNGE and FETCH by sequence
/// number (which must not report expunges, so a session's view keeps messages another session has
/// just expunged): every FETCH of a UID returns exactly the bytes appended under that UID, or the
/// command answers NO; never empty data (issue 12, defect 1; RFC 9051 §7.4.1).
/// </summary>
public sealed partial class ImapConcurrencyTests(ITestOutputHelper output)
{
    private const int Sessions = 6;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(12);

    [GeneratedRegex(@"^\* (\d+) FETCH \(UID (\d+) BODY\[\] \{(\d+)\}$")]
    private static partial Regex FetchLiteral();

    [GeneratedRegex(@"^\* (\d+) (EXISTS|EXPUNGE)$")]
    private static partial Regex CountChange();

    [GeneratedRegex(@"APPENDUID \d+ (\d+)")]
    private static partial Regex AppendUid();

    private sealed class Tally
    {
        public int Fetched;
        public int Refused;
        public int Expunged;
    }

    [Fact]
    public async Task RandomAppendStoreFetchExpunge_SixSessions_EveryFetchReturnsAppendedBytesOrNo()
    {
        var (server, dataDir) = await ImapAbuseServer.StartAsync();
        var appended = new ConcurrentDictionary<long, byte[]>();
        var failures = new ConcurrentQueue<string>();
        var tally = new Tally();
        try
        {
            var stop = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Sessions).Select(i => Task.Run(() => RunSessionAsync(server, 1000 + i, stop, appended, failures, tally))));
            output.WriteLine($"{appended.Count} appended, {tally.Fetched} literals checked, {tally.Refused} FETCH NO, {tally.Expunged} expunges");
            Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
            Assert.True(tally.Fetched > 50, $"only {tally.Fetched} literals fetched");
            Assert.False(server.HasExited);
        }
        finally
        {
            await server.DisposeAsync();
            TestDataDir.Delete(dataDir);
        }
    }

    private static async Task RunSessionAsync(ExternalServer server, int seed, Stopwatch stop, ConcurrentDictionary<long, byte[]> appended, ConcurrentQueue<string> failures, Tally tally)
    {
        var random = new Random(seed);
        await using var client = await ImapAbuseServer.OpenAsync(server, "alice@example.com");
        var exists = 0;
        var n = 0;
        while (stop.Elapsed < Duration && failures.IsEmpty)
        {
            var tag = $"T{seed}.{n++}";
            var op = random.Next(10);
            List<string> reply;
            if (op < 3 || exists == 0)
            {
                var text = $"From: s{seed}@example.com\r\nSubject: {tag}\r\n\r\n{new string((char)('a' + random.Next(26)), 200 + random.Next(4000))}\r\n";
                await client.SendAsync($"{tag} APPEND INBOX {{{text.Length}+}}\r\n{text}\r\n");
                reply = await client.UntilTaggedAsync(tag);
                if (AppendUid().Match(reply[^1]) is { Success: true } m)
                {
                    appended[long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = Encoding.ASCII.GetBytes(text);
                }
            }
            else if (op < 5)
            {
                reply = await client.CommandAsync(tag, $"STORE {1 + random.Next(exists)} +FLAGS.SILENT (\\Deleted)");
            }
            else if (op < 6)
            {
                reply = await client.CommandAsync(tag, "EXPUNGE");
                Interlocked.Increment(ref tally.Expunged);
            }
            else
            {
                reply = await FetchAsync(client, tag, 1 + random.Next(exists), appended, failures, tally);
            }
            foreach (var line in reply)
            {
                if (CountChange().Match(line) is { Success: true } c)
                {
                    exists = c.Groups[2].Value == "EXISTS" ? int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) : exists - 1;
                }
            }
            if (!reply[^1].StartsWith(tag + " OK", StringComparison.Ordinal) && !reply[^1].StartsWith(tag + " NO", StringComparison.Ordinal))
            {
                failures.Enqueue($"{tag}: {reply[^1]}");
            }
        }
    }

    /// <summary>FETCH n (UID BODY.PEEK[]) read literal by literal; each one checked against what was appended under its UID.</summary>
    private static async Task<List<string>> FetchAsync(LineClient client, string tag, int seq, ConcurrentDictionary<long, byte[]> appended, ConcurrentQueue<string> failures, Tally tally)
    {
        await client.SendLineAsync($"{tag} FETCH {seq} (UID BODY.PEEK[])");
        var lines = new List<string>();
        while (true)
        {
            var line = await client.ReadLineAsync() ?? throw new IOException("closed");
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                if (line.StartsWith(tag + " NO", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref tally.Refused);
                }
                return lines;
            }
            if (FetchLiteral().Match(line) is not { Success: true } m)
            {
                continue;
            }
            var uid = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var data = await client.ReadBytesAsync(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            Interlocked.Increment(ref tally.Fetched);
            if (data.Length == 0)
            {
                failures.Enqueue($"{tag}: UID {uid} fetched as empty data");
            }
            else if (appended.TryGetValue(uid, out var expected) && !expected.AsSpan().SequenceEqual(data))
            {
                failures.Enqueue($"{tag}: UID {uid} fetched {data.Length} bytes, appended {expected.Length}");
            }
        }
    }
}
