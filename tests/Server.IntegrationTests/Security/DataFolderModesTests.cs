using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 11 items 8, 13 and 17, against the real `mailhost` process: the data folder and
/// everything in it is private to the service user (an old world-readable folder is tightened
/// with a warning), and control characters a client sends never reach the log file raw.
/// </summary>
public sealed class DataFolderModesTests
{
    private const UnixFileMode GroupOrOther = (UnixFileMode)0b000_111_111;

    [Fact]
    public async Task Start_WorldReadableFolder_EveryPathPrivateAndWarned_LogLinesEscaped()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(db =>
        {
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = SecurityWorld.CheapHash("pw") });
        });
        try
        {
            // What an older version left behind: 0755 folders, 0644 files.
            File.SetUnixFileMode(dataDir, (UnixFileMode)0b111_101_101);
            foreach (var file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
            }
            await using (var server = await ExternalServer.StartAsync(dataDir, ports))
            {
                // Writes into store/, queue/, mail.db and the log while running.
                await using (var smtp = await LineClient.ConnectAsync(ports["smtp"]))
                {
                    await smtp.ReadSmtpReplyAsync();
                    foreach (var (command, code) in new[] { ("EHLO modes.test", "250"), ("MAIL FROM:<a@remote.test>", "250"), ("RCPT TO:<alice@example.com>", "250"), ("DATA", "354") })
                    {
                        Assert.StartsWith(code, (await smtp.SmtpAsync(command))[^1], StringComparison.Ordinal);
                    }
                    Assert.StartsWith("250", (await smtp.SmtpAsync("Subject: modes\r\n\r\nbody\r\n.")).Last(), StringComparison.Ordinal);
                }
                await using (var imap = await LineClient.ConnectAsync(ports["imaps"]))
                {
                    await imap.UpgradeToTlsAsync();
                    await imap.ReadLineAsync();
                    // A literal user name may carry CR LF: it must not start a forged line in the log.
                    await imap.SendAsync("a LOGIN {39}\r\n");
                    Assert.StartsWith("+", await imap.ReadLineAsync(), StringComparison.Ordinal);
                    await imap.SendAsync("x\r\n2026-01-01 [WRN] FORGED admin ok\u001b[2J wrong\r\n");
                    Assert.StartsWith("a NO", (await imap.UntilTaggedAsync("a"))[^1], StringComparison.Ordinal);
                }
                await WaitForMessageFileAsync(dataDir);
            }
            var loose = Directory.EnumerateFileSystemEntries(dataDir, "*", SearchOption.AllDirectories).Append(dataDir)
                .Where(p => (File.GetUnixFileMode(p) & GroupOrOther) != 0)
                .Select(p => $"{Path.GetRelativePath(dataDir, p)} {File.GetUnixFileMode(p)}").ToList();
            Assert.True(loose.Count == 0, "readable by group/other: " + string.Join(", ", loose));
            Assert.Contains(Directory.EnumerateDirectories(dataDir), d => Path.GetFileName(d) == "store");
            var log = string.Concat(Directory.EnumerateFiles(Path.Combine(dataDir, "logs")).Select(File.ReadAllText));
            Assert.Contains("was readable by other users", log, StringComparison.Ordinal);
            Assert.Contains(@"x\r\n2026-01-01 [WRN] FORGED admin ok\x1B[2J", log, StringComparison.Ordinal);
            Assert.DoesNotContain(log.Split('\n'), line => line.StartsWith("2026-01-01 [WRN] FORGED", StringComparison.Ordinal));
            Assert.DoesNotContain('\u001b', log);
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }

    [Fact]
    public void Secure_NewFolder_Created0700()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-tests", "modes-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Empty(DataDirectoryPermissions.Secure(dir));
            Assert.Equal(DataDirectoryPermissions.DirectoryMode, File.GetUnixFileMode(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitForMessageFileAsync(string dataDir)
    {
        var store = Path.Combine(dataDir, "store");
        for (var i = 0; i < 200 && !(Directory.Exists(store) && Directory.EnumerateFiles(store, "*.eml", SearchOption.AllDirectories).Any()); i++)
        {
            await Task.Delay(50);
        }
        Assert.True(Directory.EnumerateFiles(store, "*.eml", SearchOption.AllDirectories).Any(), "the message was not delivered to the store");
    }
}
