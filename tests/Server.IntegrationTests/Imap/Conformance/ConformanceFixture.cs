using System.Diagnostics;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.Storage;
using MailHost.Shared.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>
/// A server of its own for the IMAP conformance tests (issue 12), with many accounts so every test
/// gets a mailbox nobody else touches (password "pw").
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private const int Accounts = 60;
    private int _next;

    public TestServer Server { get; private set; } = null!;
    public MailStore Store => Server.Services.GetRequiredService<MailStore>();

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(null, "--applicationName=mailhost");
        var hash = PasswordHasher.Hash("pw");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Server.Settings.UpdateAsync("test", "seed", (d, _) =>
        {
            d.Domains.Add(new Domain { Name = "example.com" });
            for (var i = 0; i < Accounts; i++)
            {
                d.Accounts.Add(new Account { Address = $"conf{i}@example.com", PasswordHash = hash });
            }
            d.Accounts.Add(new Account { Address = "quota@example.com", PasswordHash = hash, QuotaBytes = 10_000 });
        }, cts.Token);
        var sw = Stopwatch.StartNew();
        while (!Server.Snapshot.Current.Accounts.ContainsKey("quota@example.com") && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, cts.Token);
        }
    }

    /// <summary>An account no other test uses.</summary>
    public string NewAccount() => $"conf{Interlocked.Increment(ref _next) - 1}@example.com";

    public int Port(string listener) => Server.Port(listener);

    /// <summary>A logged-in session over implicit TLS.</summary>
    public async Task<LineClient> OpenAsync(string user)
    {
        var c = await LineClient.ConnectAsync(Port("imaps"));
        await c.UpgradeToTlsAsync();
        await c.ReadLineAsync();
        await c.LoginAsync(user);
        return c;
    }

    public async Task<long> PutAsync(string account, string mailbox, string message, params string[] flags)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var box = await Store.GetMailboxAsync(account, mailbox, cts.Token) ?? throw new InvalidOperationException("no mailbox " + mailbox);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n")));
        return (await Store.AppendAsync(box.Id, stream, flags, DateTimeOffset.UtcNow, null, cts.Token)).Uid;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition("imap-conformance")]
public sealed class ConformanceCollection : ICollectionFixture<ConformanceFixture>;
