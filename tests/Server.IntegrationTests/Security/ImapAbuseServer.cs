using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// The real `mailhost` process for IMAP abuse tests (a stack overflow or runaway memory must be seen
/// in its own process, not in the test host): plaintext IMAP with optional STARTTLS, so loopback may
/// log in without TLS, and accounts alice and bob with password "pw".
/// </summary>
public static class ImapAbuseServer
{
    public const string Password = "pw";

    public static async Task<(ExternalServer Server, string DataDir)> StartAsync()
    {
        var hash = PasswordHasher.Hash(Password);
        var (dataDir, ports) = await TestDataDir.CreateAsync(db =>
        {
            db.Listeners.Local.Single(l => l.Name == "imap").TlsMode = TlsMode.StartTlsOptional;
            db.ServerSettings.Single().MaxConnectionsPerIp = 100;
            db.Domains.Add(new Domain { Name = "example.com" });
            db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = hash });
            db.Accounts.Add(new Account { Address = "bob@example.com", PasswordHash = hash });
        });
        try
        {
            return (await ExternalServer.StartAsync(dataDir, ports), dataDir);
        }
        catch
        {
            TestDataDir.Delete(dataDir);
            throw;
        }
    }

    /// <summary>A plaintext session past its greeting; logged in and INBOX selected when <paramref name="user"/> is given.</summary>
    public static async Task<LineClient> OpenAsync(ExternalServer server, string? user = null, IPAddress? source = null)
    {
        var client = await LineClient.ConnectAsync(server.Ports["imap"], source, TimeSpan.FromSeconds(60));
        Assert.StartsWith("* OK", await client.ReadLineAsync());
        if (user is not null)
        {
            Assert.StartsWith("L OK", (await client.CommandAsync("L", $"LOGIN {user} {Password}"))[^1]);
            Assert.StartsWith("S OK", (await client.CommandAsync("S", "SELECT INBOX"))[^1]);
        }
        return client;
    }
}
