using System.Net;
using System.Net.Sockets;
using MailHost.Server.Hosting;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;
using Microsoft.Extensions.DependencyInjection;
using static MailHost.Server.IntegrationTests.Hosting.ListenerReloadTests;

namespace MailHost.Server.IntegrationTests.Hosting;

/// <summary>A listener edit never takes a service offline: the new endpoint is bound before the old one is released.</summary>
public sealed class ListenerMoveTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ListenerManager Manager => _server.Services.GetRequiredService<ListenerManager>();

    [Fact]
    public async Task MoveListener_ToPortAnotherProcessHolds_KeepsServingOnTheOldPort()
    {
        using var squatter = Squat(out var taken);
        var oldPort = _server.Port("smtp");

        var revision = await _server.Settings.UpdateAsync("test", "move", (d, _) => d.Listeners.Single(l => l.Name == "smtp").Port = taken, CancellationToken.None);

        Assert.True(await WaitForAsync(() => Task.FromResult(Manager.AppliedRevision >= revision), TimeSpan.FromSeconds(1)));
        var smtp = Manager.Status().Single(s => s.Name == "smtp");
        Assert.Equal(ListenerState.Failed, smtp.State);
        Assert.Contains("held by another process", smtp.Error);
        Assert.Contains($"still listening on 127.0.0.1:{oldPort}", smtp.Error);
        Assert.True(await CanConnectAsync(oldPort), "the old endpoint was released although the new one failed");
        await using var client = await LineClient.ConnectAsync(oldPort);
        Assert.StartsWith("220 ", await client.ReadLineAsync());

        // Once the port is free, the next change moves the listener and releases the old endpoint.
        squatter.Dispose();
        revision = await _server.Settings.UpdateAsync("test", "retry", (d, _) => d.Listeners.Single(l => l.Name == "smtp").MaxConnections += 1, CancellationToken.None);
        Assert.True(await WaitForAsync(() => Task.FromResult(Manager.AppliedRevision >= revision), TimeSpan.FromSeconds(1)));
        Assert.True(await WaitForAsync(() => CanConnectAsync(taken), TimeSpan.FromSeconds(1)));
        Assert.True(await WaitForAsync(async () => !await CanConnectAsync(oldPort), TimeSpan.FromSeconds(1)));
        Assert.Equal(ListenerState.Bound, Manager.Status().Single(s => s.Name == "smtp").State);
    }

    [Fact]
    public async Task MoveListener_OntoAPortAnotherListenerKeeps_NamesThatListener()
    {
        // pop3 moves to a squatted port and keeps its old one; imap moves onto pop3's old port in the same save.
        using var squatter = Squat(out var taken);
        var pop3Port = _server.Port("pop3");
        var imapPort = _server.Port("imap");
        var revision = await _server.Settings.UpdateAsync("test", "swap", (d, _) =>
        {
            d.Listeners.Single(l => l.Name == "pop3").Port = taken;
            d.Listeners.Single(l => l.Name == "imap").Port = pop3Port;
        }, CancellationToken.None);

        Assert.True(await WaitForAsync(() => Task.FromResult(Manager.AppliedRevision >= revision), TimeSpan.FromSeconds(1)));
        var status = Manager.Status();
        var imap = status.Single(s => s.Name == "imap");
        Assert.Equal(ListenerState.Failed, imap.State);
        Assert.Contains("held by MailHost listener 'pop3'", imap.Error);
        Assert.Contains("held by another process", status.Single(s => s.Name == "pop3").Error);
        Assert.True(await CanConnectAsync(imapPort), "imap went offline");
        Assert.True(await CanConnectAsync(pop3Port), "pop3 went offline");
    }

    [Fact]
    public async Task ChangeTlsMode_OnTheSamePort_Rebinds()
    {
        var port = _server.Port("smtp");
        var revision = await _server.Settings.UpdateAsync("test", "tls", (d, _) => d.Listeners.Single(l => l.Name == "smtp").TlsMode = TlsMode.StartTlsRequired, CancellationToken.None);

        Assert.True(await WaitForAsync(() => Task.FromResult(Manager.AppliedRevision >= revision), TimeSpan.FromSeconds(1)));
        var smtp = Manager.Status().Single(s => s.Name == "smtp");
        Assert.True(smtp.State == ListenerState.Bound, smtp.Error);
        Assert.Equal(TlsMode.StartTlsRequired, smtp.TlsMode);
        Assert.True(await CanConnectAsync(port));
    }

    private static Socket Squat(out int port)
    {
        var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, FreePorts.Next()));
        squatter.Listen();
        port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        return squatter;
    }
}
