using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Delivery;

/// <summary>
/// A real Postfix smtpd (its own config folder, master in the foreground on a free loopback port) with
/// STARTTLS, PIPELINING, CHUNKING and SMTPUTF8, relaying what it accepts to an <see cref="SmtpSink"/> so
/// tests can read it. Postfix's own log (stdout) tells which commands the session used. Stopped by its PID.
/// </summary>
public sealed class PostfixPeer : IDisposable
{
    private readonly Process _master;
    private readonly string _dir;

    private PostfixPeer(Process master, string dir, int port, SmtpSink sink)
    {
        _master = master;
        _dir = dir;
        Port = port;
        Sink = sink;
    }

    public int Port { get; }
    public SmtpSink Sink { get; }
    public string LogText => File.Exists(Path.Combine(_dir, "master.out")) ? File.ReadAllText(Path.Combine(_dir, "master.out")) : "";

    /// <param name="issuer">Sent after the leaf in the handshake (a DANE-TA trust anchor must be in the chain the server sends).</param>
    public static async Task<PostfixPeer> StartAsync(X509Certificate2 certificate, string hostName, X509Certificate2? issuer = null)
    {
        var sink = await SmtpSink.StartAsync();
        var port = FreePorts.Next();
        var dir = Path.Combine(Path.GetTempPath(), "mailhost-postfix", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(dir, "queue"));
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem() + "\n" + (issuer?.ExportCertificatePem() ?? ""));
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(dir, "main.cf"), $"""
            compatibility_level = 3.6
            queue_directory = {dir}/queue
            data_directory = {dir}/data
            alternate_config_directories = {dir}
            mail_owner = postfix
            setgid_group = postdrop
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            myhostname = {hostName}
            mydestination =
            relay_domains = example.test
            relayhost = [127.0.0.1]:{sink.Port}
            smtp_tls_security_level = none
            smtpd_tls_security_level = may
            smtpd_tls_cert_file = {dir}/cert.pem
            smtpd_tls_key_file = {dir}/key.pem
            smtpd_tls_received_header = yes
            mynetworks = 127.0.0.0/8
            smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination
            maillog_file = /dev/stdout
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "master.cf"), $"""
            {port} inet n - n - - smtpd
            pickup unix n - n 60 1 pickup
            cleanup unix n - n - 0 cleanup
            qmgr unix n - n 300 1 qmgr
            tlsmgr unix - - n 1000? 1 tlsmgr
            rewrite unix - - n - - trivial-rewrite
            bounce unix - - n - 0 bounce
            defer unix - - n - 0 bounce
            trace unix - - n - 0 bounce
            verify unix - - n - 1 verify
            flush unix n - n 1000? 0 flush
            proxymap unix - - n - - proxymap
            smtp unix - - n - - smtp
            relay unix - - n - - smtp
            showq unix n - n - - showq
            error unix - - n - - error
            retry unix - - n - - error
            discard unix - - n - - discard
            anvil unix - - n - 1 anvil
            scache unix - - n - 1 scache
            postlog unix-dgram n - n - 1 postlogd
            """);
        // `postfix check` creates the queue folders with Postfix's owners and modes.
        await RunAsync("/bin/chmod", "-R", "go+rX", dir);
        await RunAsync("/usr/sbin/postfix", "-c", dir, "check");
        await RunAsync("/bin/chown", "postfix", Path.Combine(dir, "data"));
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"umask 022; exec /usr/lib/postfix/sbin/master -c '{dir}' -d > '{dir}/master.out' 2>&1");
        var master = Process.Start(psi) ?? throw new InvalidOperationException("postfix master did not start");
        var peer = new PostfixPeer(master, dir, port, sink);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
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
        peer.Dispose();
        throw new TimeoutException("postfix did not listen: " + peer.LogText);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        // The in-process MailHost sets umask 077 (its data folder is private), and children inherit it:
        // Postfix's queue directories, made by this root process, must stay readable by the postfix user.
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("umask 022; exec \"$0\" \"$@\"");
        psi.ArgumentList.Add(file);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = p.StandardOutput.ReadToEndAsync(cts.Token);
        var error = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await output}{await error}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_master.HasExited)
            {
                // SIGTERM, so master stops its children too.
                using var kill = Process.Start("/bin/kill", ["-TERM", _master.Id.ToString(CultureInfo.InvariantCulture)]);
                kill.WaitForExit(5000);
                if (!_master.WaitForExit(10000))
                {
                    _master.Kill(entireProcessTree: true);
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        _master.Dispose();
        Sink.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
