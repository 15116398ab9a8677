using System.Diagnostics;
using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 11 item 10: the real `mailhost` process is killed with SIGKILL while it unlinks the files
/// of an EXPUNGE of hundreds of messages (after the index commit, before the last unlink). After
/// the restart no expunged message may reappear (start-up recovery used to re-adopt the leftover
/// files as new mail) and every message that was not expunged is still there.
/// </summary>
public sealed partial class ExpungeCrashTests(ITestOutputHelper output)
{
    private const int Deleted = 500;
    private const int Kept = 40;
    private const int MaxRounds = 5;
    private const string Account = "alice@example.com";

    [Fact]
    public async Task SigKillDuringExpunge_Restart_NoExpungedMessageReturns_NothingElseLost()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = Account, PasswordHash = SecurityWorld.CheapHash("pw") });
        });
        var mailDir = Path.Combine(dataDir, "store", Uri.EscapeDataString(Account));
        try
        {
            var kept = new HashSet<string>(StringComparer.Ordinal);
            var killsInWindow = 0;
            for (var round = 0; round < MaxRounds && killsInWindow == 0; round++)
            {
                Seed(mailDir, round, kept);
                await using var server = await ExternalServer.StartAsync(dataDir, ports);
                await using var imap = await LoginAsync(ports["imaps"]);
                Assert.Equal(kept.Count + Deleted, Exists(await imap.CommandAsync("s", "SELECT INBOX")));
                var victims = SearchNumbers(await imap.CommandAsync("f", $"SEARCH SUBJECT delete-r{round}"));
                Assert.Equal(Deleted, victims.Count);
                Assert.StartsWith("t OK", (await imap.CommandAsync("t", $"STORE {string.Join(',', victims)} +FLAGS.SILENT (\\Deleted)"))[^1], StringComparison.Ordinal);
                var before = Directory.GetFiles(mailDir).Length;
                await imap.SendLineAsync("e EXPUNGE");
                // The first file gone means the index commit happened: kill while the other unlinks are still to do.
                var watch = Stopwatch.StartNew();
                while (Directory.GetFiles(mailDir).Length == before && watch.Elapsed < TimeSpan.FromSeconds(30))
                {
                }
                Process.GetProcessById(server.ProcessId).Kill();
                await server.KillAsync();
                var left = Directory.GetFiles(mailDir).Length - kept.Count;
                output.WriteLine($"round {round}: killed with {left} of {Deleted} expunged files not yet unlinked");
                if (left is > 0 and < Deleted)
                {
                    killsInWindow++;
                }
                await AssertExactlyAsync(dataDir, ports, kept, $"round {round}");
            }
            Assert.True(killsInWindow > 0, $"no kill in {MaxRounds} rounds fell between the commit and the last unlink: the test proved nothing");
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    /// <summary>Files without index rows: start-up recovery indexes them into INBOX, which is quicker than delivering 540 messages.</summary>
    private static void Seed(string mailDir, int round, HashSet<string> kept)
    {
        Directory.CreateDirectory(mailDir);
        for (var i = 0; i < Deleted + Kept; i++)
        {
            var delete = i < Deleted;
            var id = $"r{round}-m{i}@expunge.test";
            File.WriteAllText(Path.Combine(mailDir, $"0_seed{round}x{i}.eml"), $"Message-ID: <{id}>\r\nSubject: {(delete ? $"delete-r{round}" : "keep")}\r\n\r\nbody {i}\r\n");
            if (!delete)
            {
                kept.Add(id);
            }
        }
    }

    private static async Task AssertExactlyAsync(string dataDir, IReadOnlyDictionary<string, int> ports, HashSet<string> kept, string when)
    {
        await using var server = await ExternalServer.StartAsync(dataDir, ports);
        await using var imap = await LoginAsync(ports["imaps"]);
        var exists = Exists(await imap.CommandAsync("s", "SELECT INBOX"));
        var ids = exists == 0 ? [] : (await imap.CommandAsync("f", "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"))
            .Select(l => MessageIdLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var resurrected = ids.Except(kept).ToList();
        var lost = kept.Except(ids).ToList();
        Assert.True(resurrected.Count == 0, $"{when}: {resurrected.Count} expunged messages came back, e.g. {resurrected.FirstOrDefault()}");
        Assert.True(lost.Count == 0, $"{when}: {lost.Count} kept messages lost, e.g. {lost.FirstOrDefault()}");
        Assert.Equal(kept.Count, exists);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    private static async Task<LineClient> LoginAsync(int port)
    {
        var imap = await LineClient.ConnectAsync(port, timeout: TimeSpan.FromSeconds(60));
        await imap.UpgradeToTlsAsync();
        await imap.ReadLineAsync();
        Assert.StartsWith("l OK", (await imap.CommandAsync("l", $"LOGIN {Account} pw"))[^1], StringComparison.Ordinal);
        return imap;
    }

    private static int Exists(List<string> lines) =>
        lines.Select(l => ExistsLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Last();

    private static List<int> SearchNumbers(List<string> lines) =>
        [.. lines.Where(l => l.StartsWith("* SEARCH", StringComparison.Ordinal)).SelectMany(l => l[8..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse)];

    [GeneratedRegex(@"^\* (\d+) EXISTS")]
    private static partial Regex ExistsLine();

    [GeneratedRegex(@"^Message-ID: <([^>]+)>", RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdLine();
}
