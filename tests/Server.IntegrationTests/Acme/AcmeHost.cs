using MailHost.Server.Cli;
using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace MailHost.Server.IntegrationTests.Acme;

/// <summary>
/// A real MailHost in this process pointed at a pebble, on a data folder that outlives it, so a test
/// can stop it and start it again on the same folder (restart keeps account and certificates).
/// </summary>
public sealed class AcmeHost : IAsyncDisposable
{
    private WebApplication? _app;

    private AcmeHost(string dataDir, Dictionary<string, int> ports, string[] args)
    {
        DataDir = dataDir;
        Ports = ports;
        Args = args;
    }

    public string DataDir { get; }
    public IReadOnlyDictionary<string, int> Ports { get; }
    public string[] Args { get; }
    public IServiceProvider Services => _app!.Services;

    /// <summary>
    /// A data folder with free listener ports; <paramref name="httpPort"/> is where our http-01 responder
    /// listens; <paramref name="consoleHttpsPort"/> puts the console on https://127.0.0.1:port.
    /// </summary>
    public static async Task<AcmeHost> CreateAsync(PebbleServer pebble, int? httpPort = null, int? tlsPort = null, int? consoleHttpsPort = null)
    {
        ArgumentNullException.ThrowIfNull(pebble);
        var (dataDir, ports) = await TestDataDir.CreateAsync();
        string[] args =
        [
            $"--MailHost:DataDir={dataDir}",
            "--MailHost:Hostname=mx.test.local",
            "--MailHost:RevisionPollMilliseconds=200",
            consoleHttpsPort is { } console ? $"--urls=https://127.0.0.1:{console}" : "--urls=http://127.0.0.1:0",
            "--environment=Production",
            "--MailHost:DnsServers=127.0.0.1:9",
            "--MailHost:AcmeBindAddress=127.0.0.1",
            $"--MailHost:AcmeHttpPort={httpPort ?? pebble.HttpPort}",
            $"--MailHost:AcmeTlsAlpnPort={tlsPort ?? pebble.TlsPort}",
            $"--MailHost:AcmeTrustedCaFile={pebble.TrustedCaFile}",
            "--MailHost:AcmeCheckSeconds=1",
            "--MailHost:AcmeRetrySeconds=1",
        ];
        return new AcmeHost(dataDir, ports, args);
    }

    public async Task StartAsync()
    {
        _app = ServerHost.Build(Args, TextWriter.Null);
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>The `mailhost` command line on this data folder (in process, as CliTests do).</summary>
    public async Task<(int Code, string Out)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, $"--MailHost:DataDir={DataDir}"], new StringReader(""), output, error);
        return (code, output + error.ToString());
    }

    /// <summary>Polls `cert acme list` until the row of <paramref name="name"/> matches.</summary>
    public async Task<string> WaitForListAsync(string name, Func<string, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = (await CliAsync("cert", "acme", "list")).Out;
            var row = last.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) ?? "";
            if (done(row))
            {
                return row;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"`cert acme list` did not reach the expected state within {timeout}: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TestDataDir.Delete(DataDir);
    }
}
