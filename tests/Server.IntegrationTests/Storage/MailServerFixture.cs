using System.Diagnostics;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Queue;
using MailHost.Server.Storage;
using MailHost.Shared.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Storage;

/// <summary>
/// One server for the store, IMAP and POP3 tests: accounts alice and bob (password "pw"),
/// 127.0.0.2/32 as an internet address that must use TLS before authenticating, and two extra
/// listeners with optional STARTTLS ("imap-opt", "pop3-opt") so that rule is visible.
/// </summary>
public sealed class MailServerFixture : IAsyncLifetime
{
    public const string Password = "pw";
    private static readonly Lazy<string> Hash = new(() => PasswordHasher.Hash(Password));

    public TestServer Server { get; private set; } = null!;
    public int ImapOptPort { get; } = FreePorts.Next();
    public int Pop3OptPort { get; } = FreePorts.Next();
    public MailStore Store => Server.Services.GetRequiredService<MailStore>();
    public MessageSpool Spool => Server.Services.GetRequiredService<MessageSpool>();

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(db =>
        {
            db.IpRanges.Add(new IpRange { Name = "pretend internet", Priority = 30, LowerAddress = "127.0.0.2/32", AllowRelay = false, RequireTlsForAuth = true });
            db.Listeners.Add(new Listener { Name = "imap-opt", Protocol = ListenerProtocol.Imap, BindAddress = "127.0.0.1", Port = ImapOptPort, TlsMode = TlsMode.StartTlsOptional, IdleTimeoutSeconds = 1800 });
            db.Listeners.Add(new Listener { Name = "pop3-opt", Protocol = ListenerProtocol.Pop3, BindAddress = "127.0.0.1", Port = Pop3OptPort, TlsMode = TlsMode.StartTlsOptional, IdleTimeoutSeconds = 600 });
        }, "--applicationName=mailhost"); // under the test host the static-assets manifest is looked up by application name
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Server.Settings.UpdateAsync("test", "seed", (d, _) =>
        {
            d.Domains.Add(new Domain { Name = "example.com" });
            foreach (var name in new[] { "alice", "bob", "carol", "dave", "erin", "frank", "sync" })
            {
                d.Accounts.Add(new Account { Address = $"{name}@example.com", PasswordHash = Hash.Value });
            }
            d.Accounts.Add(new Account { Address = "small@example.com", PasswordHash = Hash.Value, QuotaBytes = 3000 });
        }, cts.Token);
        // The snapshot swaps after the revision poll: wait until the accounts are visible.
        var sw = Stopwatch.StartNew();
        while (!Server.Snapshot.Current.Accounts.ContainsKey("alice@example.com") && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, cts.Token);
        }
    }

    public int Port(string listener) => Server.Port(listener);

    /// <summary>Appends a message straight into a mailbox through the store (test set-up, not the path under test).</summary>
    public async Task<long> PutAsync(string account, string mailbox, string message, params string[] flags)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var box = await Store.GetMailboxAsync(account, mailbox, cts.Token) ?? throw new InvalidOperationException("no mailbox " + mailbox);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n")));
        var result = await Store.AppendAsync(box.Id, stream, flags, DateTimeOffset.UtcNow, null, cts.Token);
        return result.Uid;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition("mailstore")]
public sealed class MailStoreCollection : ICollectionFixture<MailServerFixture>;
