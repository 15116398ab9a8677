using System.Diagnostics;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Big APPEND literals are spooled to data/imap-spool as delete-on-close files. A session that ends
/// mid-literal must delete its file, and a SIGKILL (no close ever runs) must not leave orphans for
/// ever: the next start-up removes them. Real `mailhost` process, real TLS socket.
/// </summary>
public sealed class ImapSpoolCleanupTests
{
    private const string Account = "spool@example.com";

    [Fact]
    public async Task SigKillMidAppend_LeftoverSpoolFiles_RemovedAtRestart()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(Seed);
        var spool = Path.Combine(dataDir, "imap-spool");
        try
        {
            await using (var server = await ExternalServer.StartAsync(dataDir, ports))
            {
                await using var imap = await StartAppendAsync(ports["imaps"]);
                await WaitForAsync(() => SpoolFiles(spool) > 0, "the APPEND literal was never spooled");
                Process.GetProcessById(server.ProcessId).Kill();
                await server.KillAsync();
            }
            Assert.True(SpoolFiles(spool) > 0, "SIGKILL should leave the spool file behind (nothing closes it)");
            // And one from an even older crash.
            File.WriteAllBytes(Path.Combine(spool, "0123456789abcdef0123456789abcdef.literal"), new byte[70_000]);

            await using (var restarted = await ExternalServer.StartAsync(dataDir, ports))
            {
                Assert.Equal(0, SpoolFiles(spool));
            }
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    [Fact]
    public async Task ConnectionDroppedMidLiteral_SpoolFileDeleted()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(Seed);
        var spool = Path.Combine(dataDir, "imap-spool");
        try
        {
            await using var server = await ExternalServer.StartAsync(dataDir, ports);
            var imap = await StartAppendAsync(ports["imaps"]);
            await WaitForAsync(() => SpoolFiles(spool) > 0, "the APPEND literal was never spooled");
            await imap.DisposeAsync();
            await WaitForAsync(() => SpoolFiles(spool) == 0, "the spool file outlived the dropped session");
            Assert.False(server.HasExited);
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    private static void Seed(Shared.Data.MailHostDbContext db)
    {
        db.Domains.Add(new Domain { Name = "example.com" });
        db.Accounts.Add(new Account { Address = Account, PasswordHash = SecurityWorld.CheapHash("pw") });
    }

    /// <summary>Logs in and sends a third of a 900 KB APPEND literal (well above the 64 KB spool threshold), then stops.</summary>
    private static async Task<LineClient> StartAppendAsync(int port)
    {
        var imap = await LineClient.ConnectAsync(port, timeout: TimeSpan.FromSeconds(60));
        await imap.UpgradeToTlsAsync();
        await imap.ReadLineAsync();
        Assert.StartsWith("l OK", (await imap.CommandAsync("l", $"LOGIN {Account} pw"))[^1], StringComparison.Ordinal);
        await imap.SendLineAsync("a APPEND INBOX {900000}");
        Assert.StartsWith("+", await imap.ReadLineAsync(), StringComparison.Ordinal);
        var part = new byte[300_000];
        Array.Fill(part, (byte)'x');
        "Subject: spool\r\n\r\n"u8.CopyTo(part);
        await imap.SendBytesAsync(part);
        return imap;
    }

    private static int SpoolFiles(string spool) => Directory.Exists(spool) ? Directory.GetFiles(spool, "*.literal").Length : 0;

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), failure);
            await Task.Delay(50);
        }
    }
}
