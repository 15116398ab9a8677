using System.Net.Sockets;
using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;
using Microsoft.Data.Sqlite;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>A fresh data folder and a port offset: the seven standard listeners, the console, the admin password once.</summary>
public sealed class FirstRunTests
{
    private static readonly int[] StandardPorts = [25, 587, 465, 143, 993, 110, 995];

    [Fact]
    public async Task FirstRun_WithPortOffset_BindsSevenListeners_AndStatusShowsThem()
    {
        var offset = FindFreeOffset();
        var dataDir = Path.Combine(Path.GetTempPath(), "mailhost-tests", Guid.NewGuid().ToString("N"));
        var output = new StringWriter();
        var app = ServerHost.Build([$"--MailHost:DataDir={dataDir}", $"--MailHost:PortOffset={offset}", "--MailHost:Hostname=first.test", "--urls=http://127.0.0.1:0"], output);
        await app.StartAsync();
        try
        {
            var text = output.ToString();
            Assert.Matches("admin console user 'admin', password: \\S{12,}", text);
            foreach (var port in StandardPorts)
            {
                Assert.True(await ListenerReloadTests.CanConnectAsync(port + offset), $"port {port + offset}");
            }

            var cliOut = new StringWriter();
            var code = await Cli.CliApp.RunAsync(["status", $"--MailHost:DataDir={dataDir}"], TextReader.Null, cliOut, TextWriter.Null);
            Assert.Equal(0, code);
            foreach (var name in new[] { "smtp", "submission", "submissions", "imap", "imaps", "pop3", "pop3s" })
            {
                Assert.Matches($"(?m)^{name} .* Bound", cliOut.ToString());
            }
            // The password is printed on the first run only.
            var second = new StringWriter();
            Assert.Null(FirstRun.Seed(new MailHostOptions { DataDir = dataDir }, second));
            Assert.Equal("", second.ToString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, true);
        }
    }

    [Fact]
    public async Task FirstRun_SeedsStrictDefaults()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mailhost-tests", Guid.NewGuid().ToString("N"));
        MailHostDatabase.Migrate(dataDir);
        FirstRun.Seed(new MailHostOptions { DataDir = dataDir, Hostname = "mx.strict.test", AdminPassword = "given" }, TextWriter.Null);
        await using var db = new MailHostDbContext(MailHostDatabase.Options(dataDir));

        var internet = db.IpRanges.Single(r => r.Name == "Internet");
        Assert.False(internet.AllowRelay);
        Assert.True(internet.RequireTlsForAuth);
        Assert.True(db.IpRanges.Single(r => r.Name == "My computer").AllowRelay);
        var intermediate = db.TlsPolicies.Single(p => p.Name == "intermediate");
        Assert.False(intermediate.Tls10 || intermediate.Tls11);
        Assert.All(db.Listeners, l => Assert.Equal(intermediate.Id, l.TlsPolicyId));
        Assert.Equal(2, db.Certificates.Count());
        Assert.True(Auth.PasswordHasher.Verify("given", db.AdminUsers.Single().PasswordHash));
        SqliteConnection.ClearAllPools();
    }

    private static int FindFreeOffset()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // Below the ephemeral range (32768+), where outgoing test connections could hold the port.
            var offset = Random.Shared.Next(12000, 31000);
            if (StandardPorts.All(p => IsFree(p + offset)))
            {
                return offset;
            }
        }
        throw new InvalidOperationException("no free port offset");
    }

    private static bool IsFree(int port)
    {
        using var s = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        try
        {
            s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
