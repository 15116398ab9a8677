using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// The world of the security batteries: local domain example.com with account alice, and loopback
/// addresses standing for clients with different IP ranges. 127.0.0.1 stays "My computer".
/// </summary>
public static class SecurityWorld
{
    public const string Password = "pw";

    /// <summary>Internet: no relay, AUTH only after TLS.</summary>
    public static readonly IPAddress RequiresTls = IPAddress.Parse("127.0.0.2");

    /// <summary>No relay and no AUTH at all: the open-relay battery's client.</summary>
    public static readonly IPAddress NoRelay = IPAddress.Parse("127.0.0.3");

    /// <summary>Allow-listed (never banned), may AUTH without TLS.</summary>
    public static readonly IPAddress NeverBan = IPAddress.Parse("127.0.0.5");

    /// <summary>Bannable, may AUTH without TLS (so plaintext brute force is possible at all).</summary>
    public static readonly IPAddress Bannable = IPAddress.Parse("127.0.0.6");

    private static readonly Lazy<string> Hash = new(() => PasswordHasher.Hash(Password));

    /// <summary>The brute-force target: a stored hash with 1,000 iterations, so a hundred wrong passwords cost milliseconds (the throttle does not depend on hash cost).</summary>
    public const string BruteUser = "brute@example.com";

    public static string CheapHash(string password)
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var hash = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(password, salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public const int AuthFailLimit = 10;

    public static void Seed(MailHostDbContext db, int imapOptPort, int pop3OptPort)
    {
        db.Domains.Add(new Domain { Name = "example.com" });
        db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = Hash.Value });
        db.Accounts.Add(new Account { Address = BruteUser, PasswordHash = CheapHash(Password) });
        var server = db.ServerSettings.Single();
        server.AuthFailLimit = AuthFailLimit;
        server.AuthFailWindowMinutes = 10;
        server.AuthBanMinutes = 30;
        db.IpRanges.Add(new IpRange { Name = "sec requires tls", Priority = 30, LowerAddress = "127.0.0.2/32", AllowRelay = false, RequireTlsForAuth = true });
        db.IpRanges.Add(new IpRange { Name = "sec no relay", Priority = 30, LowerAddress = "127.0.0.3/32", AllowRelay = false, AllowAuth = false });
        db.IpRanges.Add(new IpRange { Name = "sec never ban", Priority = 30, LowerAddress = "127.0.0.5/32", AllowRelay = false, RequireTlsForAuth = false, NeverBan = true });
        db.IpRanges.Add(new IpRange { Name = "sec bannable", Priority = 30, LowerAddress = "127.0.0.6/32", AllowRelay = false, RequireTlsForAuth = false });
        // Optional STARTTLS listeners, so "the range requires TLS for auth" is the only thing refusing plaintext AUTH.
        db.Listeners.Add(new Listener { Name = "imap-opt", Protocol = ListenerProtocol.Imap, BindAddress = "127.0.0.1", Port = imapOptPort, TlsMode = TlsMode.StartTlsOptional, IdleTimeoutSeconds = 1800 });
        db.Listeners.Add(new Listener { Name = "pop3-opt", Protocol = ListenerProtocol.Pop3, BindAddress = "127.0.0.1", Port = pop3OptPort, TlsMode = TlsMode.StartTlsOptional, IdleTimeoutSeconds = 600 });
    }
}
