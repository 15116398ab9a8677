using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Infrastructure;

/// <summary>
/// A real MailHost in this process: its own data folder, a real SQLite file, the seven standard
/// listeners moved to free loopback ports, the console on an ephemeral port.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string[] _args;
    private bool _restarted;

    private TestServer(WebApplication app, string dataDir, Dictionary<string, int> ports, string[] args)
    {
        _app = app;
        DataDir = dataDir;
        Ports = ports;
        _args = args;
    }

    public string DataDir { get; }
    public IReadOnlyDictionary<string, int> Ports { get; }
    public IServiceProvider Services => _app.Services;
    public SettingsService Settings => Services.GetRequiredService<SettingsService>();
    public SettingsSnapshotProvider Snapshot => Services.GetRequiredService<SettingsSnapshotProvider>();
    public string ConsoleUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    public const string AdminPassword = TestDataDir.AdminPassword;

    public int Port(string listener) => Ports[listener];

    /// <summary>Starts a server; <paramref name="seed"/> may change settings in the database before it starts.</summary>
    public static async Task<TestServer> StartAsync(Action<MailHostDbContext>? seed = null, params string[] extraArgs)
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(seed);
        string[] args =
        [
            $"--MailHost:DataDir={dataDir}",
            "--MailHost:Hostname=mx.test.local",
            "--MailHost:RevisionPollMilliseconds=200",
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            // Tests talk to loopback only: no look-up may reach the machine's real resolvers.
            "--MailHost:DnsServers=127.0.0.1:9",
            .. extraArgs,
        ];
        var app = ServerHost.Build(args, TextWriter.Null);
        await app.StartAsync();
        return new TestServer(app, dataDir, ports, args);
    }

    /// <summary>Stops this server and starts a new one on the same data folder and arguments (a MailHost restart); <paramref name="extraArgs"/> override.</summary>
    public async Task<TestServer> RestartAsync(params string[] extraArgs)
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _app.StopAsync(cts.Token);
        }
        await _app.DisposeAsync();
        _restarted = true;
        string[] args = [.. _args, .. extraArgs];
        var app = ServerHost.Build(args, TextWriter.Null);
        await app.StartAsync();
        return new TestServer(app, DataDir, new Dictionary<string, int>(Ports), args);
    }

    public async ValueTask DisposeAsync()
    {
        if (_restarted)
        {
            // The restarted instance owns the data folder now.
            return;
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        TestDataDir.Delete(DataDir);
    }
}
