using System.Diagnostics;
using System.Net.Sockets;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Imap.Differential;

/// <summary>
/// A private Dovecot 2.3 (Debian dovecot-imapd) for the differential tests: its own config, state and
/// Maildir under a temp folder, plaintext IMAP on a loopback port, stopped by its process id.
/// </summary>
public sealed class DovecotPeer : IAsyncDisposable
{
    public const string User = "diff@example.com";
    public const string Password = "pw";

    private readonly Process _process;
    private readonly string _dir;

    private DovecotPeer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Log => File.Exists(Path.Combine(_dir, "dovecot.log")) ? File.ReadAllText(Path.Combine(_dir, "dovecot.log")) : "";

    public static async Task<DovecotPeer> StartAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mailhost-dovecot-{Guid.NewGuid():N}");
        foreach (var sub in new[] { "run", "state", "home", "Maildir" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
        }
        var port = FreePorts.Next();
        await File.WriteAllTextAsync(Path.Combine(dir, "passwd"), $"{User}:{{PLAIN}}{Password}::::::\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "dovecot.conf"), $$"""
            base_dir = {{dir}}/run
            state_dir = {{dir}}/state
            log_path = {{dir}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = 1
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{dir}}/passwd
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home={{dir}}/home
            }
            mail_location = maildir:{{dir}}/Maildir
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            """);
        // Mail is accessed as nobody (Dovecot refuses uid 0); the in-process MailHost's umask 077 would
        // otherwise leave the folders unreadable to it and to Dovecot's unprivileged login processes.
        await RunAsync("/bin/sh", "-c", $"umask 022; chmod 755 '{dir}' && chmod 644 '{dir}/passwd' '{dir}/dovecot.conf' && chown -R nobody:nogroup '{dir}/Maildir' '{dir}/home'");
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"umask 022; exec /usr/sbin/dovecot -c '{dir}/dovecot.conf' -F > '{dir}/dovecot.out' 2>&1");
        var process = Process.Start(psi)!;
        var peer = new DovecotPeer(process, dir, port);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("dovecot exited: " + await File.ReadAllTextAsync(Path.Combine(dir, "dovecot.out")) + peer.Log);
            }
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", port);
                return peer;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        await peer.DisposeAsync();
        throw new TimeoutException("dovecot did not listen on " + port);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {err}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The sh exec'd into dovecot, so this id is the master's; it stops its children on SIGTERM.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(true);
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
