using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Data;

namespace MailHost.Server.IntegrationTests.Hosting;

public sealed class SnapshotProviderTests
{
    [Fact]
    public async Task InvalidStoredSettings_KeepThePreviousSnapshot_AndSayWhy()
    {
        await using var server = await TestServer.StartAsync();
        var before = server.Snapshot.Current;

        // Another process writes something the validator refuses, bypassing the settings service.
        await using (var db = new MailHostDbContext(MailHostDatabase.Options(server.DataDir)))
        {
            db.Listeners.Single(l => l.Name == "smtp").Port = 0;
            db.ServerSettings.Single().Revision++;
            await db.SaveChangesAsync();
        }
        await server.Snapshot.ReloadAsync(CancellationToken.None);

        Assert.Same(before, server.Snapshot.Current);
        Assert.Contains(server.Snapshot.LastErrors, e => e.Item == "listener 'smtp'" && e.Field == "Port");
        Assert.True(await ListenerReloadTests.CanConnectAsync(server.Port("smtp")));
    }
}
