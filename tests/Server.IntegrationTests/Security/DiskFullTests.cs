using System.Diagnostics;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 11 item 5, against the real `mailhost` process with its data folder on a 48 MB tmpfs the
/// test mounts (root only): below the free-space reserve MAIL and DATA get 452 4.3.1 and IMAP
/// APPEND gets NO [OVERQUOTA]; a disk that
/// fills up during DATA gives 452 4.3.1, never a 250; the process survives both; once space is
/// back, mail flows and every message acknowledged with 250 reaches the mailbox.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const int ReserveMegabytes = 8;
    private const long MB = 1024 * 1024;

    [Fact]
    public async Task FullDisk_BelowReserveAndDuringData_452NoCrash_AcknowledgedMailDelivered()
    {
        var mount = Path.Combine(Path.GetTempPath(), "mailhost-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        if (!await RunAsync("mount", $"-t tmpfs -o size=48m tmpfs {mount}"))
        {
            // Only where mounting is impossible (not root, no CAP_SYS_ADMIN in a container).
            output.WriteLine($"SKIPPED: cannot mount a tmpfs at {mount} (needs root); the disk-full test did not run");
            Directory.Delete(mount);
            return;
        }
        try
        {
            var (template, ports) = await TestDataDir.CreateAsync(db =>
            {
                db.Domains.Add(new Domain { Name = "example.com" });
                db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = SecurityWorld.CheapHash("pw") });
                db.ServerSettings.Single().MinFreeDiskMegabytes = ReserveMegabytes;
            });
            var dataDir = Path.Combine(mount, "data");
            CopyDirectory(template, dataDir);
            TestDataDir.Delete(template);
            var filler = Path.Combine(mount, "filler");
            var acknowledged = new List<string>();
            await using var server = await ExternalServer.StartAsync(dataDir, ports);

            // Below the reserve: refused at MAIL, before any byte of the message is taken.
            await FillAsync(filler, keepFree: 4 * MB);
            await using (var smtp = await ConnectAsync(ports["smtp"]))
            {
                Assert.StartsWith("452 4.3.1", (await smtp.SmtpAsync("MAIL FROM:<a@remote.test>"))[^1], StringComparison.Ordinal);
            }
            await using (var imap = await LineClient.ConnectAsync(ports["imaps"], timeout: TimeSpan.FromSeconds(60)))
            {
                await imap.UpgradeToTlsAsync();
                await imap.ReadLineAsync();
                Assert.StartsWith("l OK", (await imap.CommandAsync("l", "LOGIN alice@example.com pw"))[^1], StringComparison.Ordinal);
                var message = "Subject: appended\r\n\r\nbody\r\n";
                await imap.SendLineAsync($"a APPEND INBOX {{{message.Length}}}");
                Assert.StartsWith("+", await imap.ReadLineAsync(), StringComparison.Ordinal);
                await imap.SendLineAsync(message);
                Assert.StartsWith("a NO [OVERQUOTA]", (await imap.UntilTaggedAsync("a"))[^1], StringComparison.Ordinal);
            }

            // Above the reserve but too little for the message: the disk fills during DATA.
            File.Delete(filler);
            await FillAsync(filler, keepFree: (ReserveMegabytes + 2) * MB);
            await using (var smtp = await ConnectAsync(ports["smtp"]))
            {
                var reply = await SendAsync(smtp, "<big@disk.test>", 14 * MB);
                Assert.True(reply.StartsWith("452 4.3.1", StringComparison.Ordinal), $"a message the disk could not hold got: {reply}");
                // The session is still in step and the process alive.
                Assert.StartsWith("250", (await smtp.SmtpAsync("RSET"))[^1], StringComparison.Ordinal);
            }
            Assert.False(Process.GetProcessById(server.ProcessId).HasExited);

            // Space is back: mail flows again, and everything acknowledged reaches the mailbox.
            File.Delete(filler);
            await Task.Delay(600);
            await using (var smtp = await ConnectAsync(ports["smtp"]))
            {
                for (var i = 0; i < 3; i++)
                {
                    var id = $"<after{i}@disk.test>";
                    Assert.StartsWith("250", await SendAsync(smtp, id, 100_000), StringComparison.Ordinal);
                    acknowledged.Add(id);
                }
            }
            await AssertDeliveredAsync(dataDir, acknowledged);
            Assert.False(Process.GetProcessById(server.ProcessId).HasExited);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await RunAsync("umount", $"-l {mount}");
            Directory.Delete(mount, recursive: true);
        }
    }

    private static async Task<LineClient> ConnectAsync(int port)
    {
        var smtp = await LineClient.ConnectAsync(port, timeout: TimeSpan.FromSeconds(60));
        await smtp.ReadSmtpReplyAsync();
        Assert.StartsWith("250", (await smtp.SmtpAsync("EHLO disk.test"))[^1], StringComparison.Ordinal);
        return smtp;
    }

    /// <summary>One transaction; returns the last line of the final reply (of MAIL, RCPT, DATA or the end of data).</summary>
    private static async Task<string> SendAsync(LineClient smtp, string messageId, long size)
    {
        foreach (var (command, code) in new[] { ("MAIL FROM:<a@remote.test>", "250"), ("RCPT TO:<alice@example.com>", "250"), ("DATA", "354") })
        {
            var reply = (await smtp.SmtpAsync(command))[^1];
            if (!reply.StartsWith(code, StringComparison.Ordinal))
            {
                return reply;
            }
        }
        var line = new string('x', 98) + "\r\n";
        var body = new System.Text.StringBuilder($"Message-ID: {messageId}\r\nSubject: disk\r\n\r\n");
        while (body.Length < size)
        {
            body.Append(line);
        }
        return (await smtp.SmtpAsync(body.Append('.').ToString()))[^1];
    }

    /// <summary>Real bytes (a sparse file would take no space on tmpfs) until only <paramref name="keepFree"/> is left.</summary>
    private static async Task FillAsync(string path, long keepFree)
    {
        var free = new DriveInfo(Path.GetDirectoryName(path)!).AvailableFreeSpace;
        var chunk = new byte[MB];
        Array.Fill(chunk, (byte)'f');
        await using (var file = File.Create(path))
        {
            for (var left = free - keepFree; left > 0; left -= chunk.Length)
            {
                await file.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            }
        }
        // The server looks at free space at most every 500 ms.
        await Task.Delay(600);
    }

    private static async Task AssertDeliveredAsync(string dataDir, List<string> messageIds)
    {
        var store = Path.Combine(dataDir, "store");
        List<string> missing = [];
        for (var i = 0; i < 300; i++)
        {
            var stored = Directory.Exists(store)
                ? Directory.EnumerateFiles(store, "*.eml", SearchOption.AllDirectories).Select(File.ReadAllText).ToList()
                : [];
            missing = [.. messageIds.Where(id => !stored.Any(s => s.Contains($"Message-ID: {id}", StringComparison.Ordinal)))];
            if (missing.Count == 0)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"acknowledged but not delivered: {string.Join(", ", missing)}");
    }

    private static async Task<bool> RunAsync(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
