using System.Net;
using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Queue;
using MailHost.Shared.Data;
using MailHost.Shared.Snapshot;
using MailHost.Shared.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// One `mailhost` process per battery class (never the test host: a crash or a leak must be the
/// server's, and its memory must be measurable alone). After a warm-up the fixture takes a baseline;
/// when the class is done it asserts the process is alive and grew by at most <see cref="GrowthBoundKb"/>.
/// </summary>
public sealed class SecurityFixture(IMessageSink sink) : IAsyncLifetime
{
    /// <summary>
    /// 64 MB after the battery vs. before it (both after a forced full GC): the batteries open a few
    /// hundred short sessions with small commands, so anything kept per session (64 KB × 500 = 32 MB)
    /// or any hostile literal buffered and never released (the pre-auth finding held 30 MB per
    /// connection) crosses it, while warmed-up caches, JIT code and the SQLite page cache stay below.
    /// </summary>
    public const long GrowthBoundKb = 64 * 1024;

    public SecurityServer Server { get; private set; } = null!;
    public int ImapOptPort { get; } = FreePorts.Next();
    public int Pop3OptPort { get; } = FreePorts.Next();
    public MemorySample Baseline { get; private set; }

    public async Task InitializeAsync()
    {
        Server = await SecurityServer.StartAsync(db => SecurityWorld.Seed(db, ImapOptPort, Pop3OptPort));
        await WarmUpAsync();
        Baseline = await ServerProcessMemory.SettleAsync(Server.ProcessId);
    }

    // The first login pays for JIT and a full-cost password hash while seven other processes start too.
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(60);

    /// <summary>One session per protocol, with a login: JIT, EF model, hashing and TLS-less paths are loaded before the baseline.</summary>
    private async Task WarmUpAsync()
    {
        await using (var smtp = await Server.ConnectSmtpAsync())
        {
            await smtp.ExpectAsync("EHLO warm.up", "250");
            await smtp.ExpectAsync("QUIT", "221");
        }
        await using (var imap = await LineClient.ConnectAsync(ImapOptPort, timeout: WarmUpTimeout))
        {
            await imap.ReadLineAsync();
            await imap.CommandAsync("L", $"LOGIN alice@example.com {SecurityWorld.Password}");
            await imap.CommandAsync("S", "SELECT INBOX");
            await imap.CommandAsync("O", "LOGOUT");
        }
        await using (var pop3 = await LineClient.ConnectAsync(Pop3OptPort, timeout: WarmUpTimeout))
        {
            await pop3.ReadLineAsync();
            await pop3.SendLineAsync("QUIT");
            await pop3.ReadLineAsync();
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Server is null || Baseline.RssKb == 0)
            {
                return; // InitializeAsync failed, and every test of the class already says why.
            }
            Assert.False(Server.HasExited, $"mailhost exited during the battery: {Server.Output}");
            var after = await ServerProcessMemory.SettleAsync(Server.ProcessId);
            sink.OnMessage(new DiagnosticMessage($"battery memory: before {Baseline}, after {after}, growth {(after.Kb - Baseline.Kb) / 1024} MB (bound {GrowthBoundKb / 1024} MB)"));
            Assert.True(after.Kb - Baseline.Kb <= GrowthBoundKb, $"mailhost grew from {Baseline} to {after} during the battery (bound {GrowthBoundKb / 1024} MB)");
        }
        finally
        {
            if (Server is not null)
            {
                await Server.DisposeAsync();
            }
        }
    }
}

/// <summary>
/// A battery's view of its server process: ports, the data folder, and the server's state as another
/// process sees it (its SQLite database and its queue folder), never its in-memory objects.
/// </summary>
public sealed class SecurityServer : IAsyncDisposable
{
    private readonly ExternalServer _process;
    private readonly ServiceProvider _services;

    private SecurityServer(ExternalServer process)
    {
        _process = process;
        var services = new ServiceCollection();
        services.AddDbContextFactory<MailHostDbContext>(o => MailHostDatabase.Configure(o, process.DataDir));
        services.AddSingleton(Options.Create(new MailHostOptions { DataDir = process.DataDir, Hostname = TestDataDir.Hostname }));
        services.AddSingleton<MessageSpool>();
        _services = services.BuildServiceProvider();
    }

    public string DataDir => _process.DataDir;
    public IReadOnlyDictionary<string, int> Ports => _process.Ports;
    public int ProcessId => _process.ProcessId;
    public bool HasExited => _process.HasExited;
    public StringWriter Output => _process.Output;

    /// <summary>The database and the queue folder of the server process, opened from this one.</summary>
    public IServiceProvider Services => _services;

    public int Port(string listener) => Ports[listener];

    public static async Task<SecurityServer> StartAsync(Action<MailHostDbContext> seed)
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(seed);
        try
        {
            return new SecurityServer(await ExternalServer.StartAsync(dataDir, ports));
        }
        catch
        {
            TestDataDir.Delete(dataDir);
            throw;
        }
    }

    /// <summary>The settings as the server builds them from its database.</summary>
    public async Task<MailHostSnapshot> LoadSnapshotAsync()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync();
        var data = await SettingsData.LoadAsync(db, tracking: false, CancellationToken.None);
        return SnapshotBuilder.TryBuild(data, out var errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    /// <summary>Whether the server has recorded a ban on <paramref name="address"/> that is in force (waits up to 5 s for the row).</summary>
    public async Task<bool> IsBannedAsync(IPAddress address)
    {
        var until = DateTime.UtcNow.AddSeconds(5);
        do
        {
            await using var db = await _services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync();
            var now = DateTime.UtcNow;
            if (await db.IpBans.AnyAsync(b => b.Address == address.ToString() && b.UntilUtc > now))
            {
                return true;
            }
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < until);
        return false;
    }

    public async Task<LineClient> ConnectSmtpAsync(string listener = "smtp", IPAddress? source = null)
    {
        var client = await LineClient.ConnectAsync(Port(listener), source);
        var greeting = await client.ReadSmtpReplyAsync();
        Assert.StartsWith("220 ", greeting[^1]);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await _services.DisposeAsync();
        TestDataDir.Delete(DataDir);
    }
}
