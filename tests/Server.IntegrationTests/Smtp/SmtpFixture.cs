using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Queue;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>
/// Addresses, accounts, ranges and relay rules shared by the SMTP tests. 127.0.0.1 is "My computer"
/// (relay allowed); the other loopback addresses stand for clients on the internet with different ranges.
/// </summary>
public static class SmtpWorld
{
    public const string Password = "pw";

    /// <summary>Internet: no relay, AUTH only over TLS.</summary>
    public static readonly IPAddress Internet = IPAddress.Parse("127.0.0.2");

    /// <summary>A range that may not deliver to local users without authentication, and may AUTH without TLS.</summary>
    public static readonly IPAddress AuthOnly = IPAddress.Parse("127.0.0.3");

    /// <summary>A range that may not use SMTP at all.</summary>
    public static readonly IPAddress NoSmtp = IPAddress.Parse("127.0.0.4");

    /// <summary>A range whose address is never banned (the allow-list).</summary>
    public static readonly IPAddress NeverBan = IPAddress.Parse("127.0.0.5");

    /// <summary>An internet range for ban tests, so other tests never share its failure counter.</summary>
    public static readonly IPAddress Bannable = IPAddress.Parse("127.0.0.6");

    // PBKDF2 with 600k iterations costs ~0.3 s: hash once for all tests.
    private static readonly Lazy<string> Hash = new(() => PasswordHasher.Hash(Password));

    public static void Seed(MailHostDbContext db)
    {
        db.Domains.Add(new Domain { Name = "example.com" });
        db.Accounts.Add(new Account { Address = "alice@example.com", PasswordHash = Hash.Value });
        db.Accounts.Add(new Account { Address = "bob@example.com", PasswordHash = Hash.Value });
        db.Accounts.Add(new Account { Address = "nosmtp@example.com", PasswordHash = Hash.Value, AllowSmtp = false });
        db.Aliases.Add(new Alias { Address = "sales@example.com", Targets = "alice@example.com, bob@example.com, partner@remote.example" });
        db.IpRanges.Add(new IpRange { Name = "test internet", Priority = 30, LowerAddress = "127.0.0.2/32", RequireTlsForAuth = true });
        db.IpRanges.Add(new IpRange { Name = "test auth only", Priority = 30, LowerAddress = "127.0.0.3/32", RequireTlsForAuth = false, AllowLocalDeliveryWithoutAuth = false });
        db.IpRanges.Add(new IpRange { Name = "test no smtp", Priority = 30, LowerAddress = "127.0.0.4/32", AllowSmtp = false });
        db.IpRanges.Add(new IpRange { Name = "test never ban", Priority = 30, LowerAddress = "127.0.0.5/32", RequireTlsForAuth = false, NeverBan = true });
        db.IpRanges.Add(new IpRange { Name = "test bannable", Priority = 30, LowerAddress = "127.0.0.6/32", RequireTlsForAuth = false });
        db.RelayRules.Add(new RelayRule { Order = 1, Name = "deny", RecipientDomain = "denied.example", Action = RelayAction.Deny, Text = "No mail for denied.example here" });
        db.RelayRules.Add(new RelayRule { Order = 2, Name = "partner tls", RecipientDomain = "partner.example", Action = RelayAction.RequireTls, Text = "Mail for partner.example only over TLS" });
        db.RelayRules.Add(new RelayRule { Order = 3, Name = "partner allow", RecipientDomain = "partner.example", Action = RelayAction.Allow });
        db.RelayRules.Add(new RelayRule { Order = 4, Name = "allowed", RecipientDomain = "*.allowed.example", Action = RelayAction.Allow });
    }

    public static MessageSpool Spool(this TestServer server) => server.Services.GetRequiredService<MessageSpool>();

    /// <summary>The queued message whose id a "250 2.0.0 Ok: queued as ID" reply names, with its content.</summary>
    public static async Task<(QueuedMessage Envelope, string Content)> QueuedAsync(this TestServer server, string reply)
    {
        var id = reply[(reply.LastIndexOf(' ') + 1)..];
        var spool = server.Spool();
        var envelope = await spool.ReadAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"message {id} is not in the queue");
        return (envelope, await File.ReadAllTextAsync(spool.ContentPath(id)));
    }
}

/// <summary>One server for a test class; tests that change settings start their own.</summary>
public sealed class SmtpFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    // Delivery paused: these tests inspect what SMTP put in the queue before any worker takes it.
    public async Task InitializeAsync() => Server = await TestServer.StartAsync(SmtpWorld.Seed, "--MailHost:PauseDelivery=true");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Conversation helpers over the raw client.</summary>
public static class SmtpClientExtensions
{
    public static async Task<LineClient> ConnectSmtpAsync(this TestServer server, string listener = "smtp", IPAddress? source = null)
    {
        var client = await LineClient.ConnectAsync(server.Port(listener), source);
        var greeting = await client.ReadSmtpReplyAsync();
        Assert.StartsWith("220 ", greeting[^1]);
        return client;
    }

    public static async Task<LineClient> ConnectImplicitTlsAsync(this TestServer server, string listener = "submissions", IPAddress? source = null)
    {
        var client = await LineClient.ConnectAsync(server.Port(listener), source);
        await client.UpgradeToTlsAsync();
        var greeting = await client.ReadSmtpReplyAsync();
        Assert.StartsWith("220 ", greeting[^1]);
        return client;
    }

    /// <summary>Sends a command and asserts the final reply line starts with <paramref name="expected"/>; returns all lines.</summary>
    public static async Task<List<string>> ExpectAsync(this LineClient client, string command, string expected)
    {
        var reply = await client.SmtpAsync(command);
        Assert.True(reply[^1].StartsWith(expected, StringComparison.Ordinal), $"{command} -> {string.Join(" | ", reply)} (expected {expected})");
        return reply;
    }

    public static async Task<string> SendMessageAsync(this LineClient client, string from, string to, string body = "Subject: test\r\n\r\nHello\r\n")
    {
        await client.ExpectAsync($"MAIL FROM:<{from}>", "250");
        await client.ExpectAsync($"RCPT TO:<{to}>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.SendAsync(body + ".\r\n");
        var reply = await client.ReadSmtpReplyAsync();
        Assert.StartsWith("250 2.0.0", reply[^1]);
        return reply[^1];
    }
}
