using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Storage;
using MailHost.Server.Storage;

namespace MailHost.Server.IntegrationTests.Imap;

/// <summary>isync's mbsync (a real IMAP client) syncing 1,000 messages into a Maildir and changes back.</summary>
[Collection("mailstore")]
public sealed class MbsyncTests(MailServerFixture fixture) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailhost-mbsync", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Mbsync_ThousandMessages_SyncsDownAndFlagsDeletionsNewFolderBack()
    {
        const int count = 1000;
        const string account = "sync@example.com";
        for (var i = 1; i <= count; i++)
        {
            await fixture.PutAsync(account, "INBOX", $"From: s{i}@example.org\r\nSubject: message {i}\r\nMessage-ID: <{i}@sync>\r\n\r\nbody {i}\r\n");
        }
        Directory.CreateDirectory(Path.Combine(_dir, "mail"));
        // Trust exactly the server's certificates (an RSA and an ECDSA one; either may be negotiated).
        var pem = new System.Text.StringBuilder();
        foreach (var pfx in Directory.GetFiles(Path.Combine(fixture.Server.DataDir, "certs"), "*.pfx"))
        {
            using var cert = X509CertificateLoader.LoadPkcs12FromFile(pfx, null);
            pem.AppendLine(cert.ExportCertificatePem());
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.pem"), pem.ToString());
        var config = Path.Combine(_dir, "mbsyncrc");
        await File.WriteAllTextAsync(config, $"""
            IMAPAccount test
            Host 127.0.0.1
            Port {fixture.Port("imaps")}
            User {account}
            Pass {MailServerFixture.Password}
            SSLType IMAPS
            CertificateFile {Path.Combine(_dir, "server.pem")}

            IMAPStore remote
            Account test

            MaildirStore local
            Path {Path.Combine(_dir, "mail")}/
            Inbox {Path.Combine(_dir, "mail", "INBOX")}
            SubFolders Verbatim

            Channel sync
            Far :remote:
            Near :local:
            Patterns *
            Create Both
            Expunge Both
            SyncState *

            """);

        var down = Stopwatch.StartNew();
        await RunMbsyncAsync(config);
        down.Stop();
        var cur = Path.Combine(_dir, "mail", "INBOX", "cur");
        var newDir = Path.Combine(_dir, "mail", "INBOX", "new");
        var local = Directory.GetFiles(cur).Concat(Directory.GetFiles(newDir)).ToList();
        Assert.Equal(count, local.Count);
        Assert.True(Directory.Exists(Path.Combine(_dir, "mail", "Sent")));

        // Local changes: flag 10 messages, delete 5, new folder with one message.
        var sorted = local.Order(StringComparer.Ordinal).ToList();
        foreach (var file in sorted.Take(10))
        {
            var name = Path.GetFileName(file);
            var flagged = name.Contains(":2,", StringComparison.Ordinal) ? name + "F" : name + ":2,F";
            File.Move(file, Path.Combine(cur, flagged));
        }
        foreach (var file in sorted.Skip(10).Take(5))
        {
            File.Delete(file);
        }
        var folder = Path.Combine(_dir, "mail", "Projects");
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }
        await File.WriteAllTextAsync(Path.Combine(folder, "new", "1.local.eml"), "Subject: made locally\r\n\r\nhi\r\n");

        var up = Stopwatch.StartNew();
        await RunMbsyncAsync(config);
        up.Stop();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var inbox = (await fixture.Store.GetMailboxAsync(account, "INBOX", cts.Token))!;
        var messages = await fixture.Store.ListMessagesAsync(inbox.Id, cts.Token);
        Assert.Equal(count - 5, messages.Count);
        Assert.Equal(10, messages.Count(m => m.Has(Flags.Flagged)));
        var projects = await fixture.Store.GetMailboxAsync(account, "Projects", cts.Token);
        Assert.NotNull(projects);
        Assert.Single(await fixture.Store.ListMessagesAsync(projects.Id, cts.Token));
        // Figures for the report, not assertions.
        Console.WriteLine($"mbsync: {count} messages down in {down.Elapsed.TotalSeconds:0.0} s, changes up in {up.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task RunMbsyncAsync(string config)
    {
        var psi = new ProcessStartInfo("mbsync") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", config, "-a" })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException("mbsync timed out: " + await stderr);
        }
        Assert.True(process.ExitCode == 0, $"mbsync exited {process.ExitCode}: {await stdout}\n{await stderr}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
