using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using MailHost.Shared.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>Settings changes reach the listeners of a running server within a second, without a restart.</summary>
public sealed class ListenerReloadTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddListener_ThroughSettingsService_AcceptsWithin1s()
    {
        var port = FreePorts.Next();
        Assert.False(await CanConnectAsync(port));

        var watch = Stopwatch.StartNew();
        await _server.Settings.UpdateAsync("test", "add", (d, _) => d.Listeners.Add(new Listener
        {
            Name = "extra",
            Protocol = ListenerProtocol.Smtp,
            BindAddress = "127.0.0.1",
            Port = port,
            TlsMode = TlsMode.StartTlsOptional,
        }), CancellationToken.None);

        Assert.True(await WaitForAsync(() => CanConnectAsync(port), TimeSpan.FromSeconds(1)), $"not accepting after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ChangeListenerPort_ThroughSettingsService_MovesWithin1s()
    {
        var oldPort = _server.Port("smtp");
        var newPort = FreePorts.Next();
        Assert.True(await CanConnectAsync(oldPort));

        await _server.Settings.UpdateAsync("test", "move", (d, _) => d.Listeners.Single(l => l.Name == "smtp").Port = newPort, CancellationToken.None);

        Assert.True(await WaitForAsync(() => CanConnectAsync(newPort), TimeSpan.FromSeconds(1)));
        Assert.True(await WaitForAsync(async () => !await CanConnectAsync(oldPort), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task DisableListener_ThroughSettingsService_StopsAcceptingWithin1s_OthersUntouched()
    {
        var pop3 = _server.Port("pop3");
        var imap = _server.Port("imap");

        await _server.Settings.UpdateAsync("test", "disable", (d, _) => d.Listeners.Single(l => l.Name == "pop3").Enabled = false, CancellationToken.None);

        Assert.True(await WaitForAsync(async () => !await CanConnectAsync(pop3), TimeSpan.FromSeconds(1)));
        Assert.True(await CanConnectAsync(imap));
    }

    [Fact]
    public async Task AddListener_ThroughCli_IsPickedUpByRevisionPolling()
    {
        var port = FreePorts.Next();
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await Cli.CliApp.RunAsync(
            ["listener", "add", "cli-added", "--protocol", "smtp", "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--tls", "optional", $"--MailHost:DataDir={_server.DataDir}"],
            TextReader.Null, output, error);

        Assert.True(code == 0, error.ToString());
        // Another process's change is seen through revision polling (200 ms in tests, 500 ms by default).
        Assert.True(await WaitForAsync(() => CanConnectAsync(port), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task AddListener_OnPortInUse_RecordsBindFailure_OthersStayUp()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        var taken = ((IPEndPoint)squatter.LocalEndPoint!).Port;

        var revision = await _server.Settings.UpdateAsync("test", "add", (d, _) => d.Listeners.Add(new Listener
        {
            Name = "clash",
            Protocol = ListenerProtocol.Smtp,
            BindAddress = "127.0.0.1",
            Port = taken,
        }), CancellationToken.None);

        var manager = _server.Services.GetRequiredService<ListenerManager>();
        Assert.True(await WaitForAsync(() => Task.FromResult(manager.AppliedRevision >= revision), TimeSpan.FromSeconds(1)));
        var status = manager.Status();
        var clash = status.Single(s => s.Name == "clash");
        Assert.Equal(ListenerState.Failed, clash.State);
        Assert.Contains("AddressAlreadyInUse", clash.Error);
        Assert.All(status.Where(s => s.Name != "clash"), s => Assert.Equal(ListenerState.Bound, s.State));
        Assert.True(await CanConnectAsync(_server.Port("smtp")));
    }

    [Fact]
    public async Task InvalidChange_IsRefusedWithEveryMessage_AndNothingIsWritten()
    {
        var before = _server.Snapshot.Current.Revision;

        var ex = await Assert.ThrowsAsync<SettingsValidationException>(() => _server.Settings.UpdateAsync("test", "bad", (d, _) =>
        {
            d.Listeners.Single(l => l.Name == "smtp").Port = 0;
            d.Server.Hostname = "not a host";
            d.IpRanges.Add(new IpRange { Name = "x", LowerAddress = "300.1.1.1/8" });
        }, CancellationToken.None));

        Assert.Equal(3, ex.Errors.Count);
        await _server.Snapshot.ReloadAsync(CancellationToken.None);
        Assert.Equal(before, _server.Snapshot.Current.Revision);
        Assert.Equal("mx.test.local", _server.Snapshot.Current.Server.Hostname);
        Assert.True(await CanConnectAsync(_server.Port("smtp")));
    }

    internal static async Task<bool> CanConnectAsync(int port)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static async Task<bool> WaitForAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(20);
        }
        return await condition();
    }
}
