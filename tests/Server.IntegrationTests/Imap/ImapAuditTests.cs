using System.Diagnostics;
using System.Net;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Storage;
using MailHost.Server.Logging;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Imap;

[Collection("mailstore")]
public sealed class ImapAuditTests(MailServerFixture fixture)
{
    [Fact]
    public async Task FailedLogins_FromOneAddress_BannedAcrossImapAndPop3()
    {
        var address = IPAddress.Parse("127.0.0.3");
        var limit = fixture.Server.Snapshot.Current.Server.AuthFailLimit;
        await using (var c = await LineClient.ConnectAsync(fixture.Port("imaps"), address))
        {
            await c.UpgradeToTlsAsync();
            await c.ReadLineAsync();
            for (var i = 1; i < limit; i++)
            {
                Assert.StartsWith($"a{i} NO [AUTHENTICATIONFAILED]", (await c.CommandAsync($"a{i}", "LOGIN alice@example.com wrong"))[^1]);
            }
            var last = await c.CommandAsync("z", "LOGIN alice@example.com wrong");
            Assert.StartsWith("z NO", last[^1]);
            Assert.Equal("* BYE Too many failed logins", await c.ReadLineAsync());
        }
        await using (var again = await LineClient.ConnectAsync(fixture.Port("imaps"), address))
        {
            await again.UpgradeToTlsAsync();
            Assert.StartsWith("* BYE", await again.ReadLineAsync());
        }
        await using var pop = await LineClient.ConnectAsync(fixture.Port("pop3s"), address);
        await pop.UpgradeToTlsAsync();
        Assert.StartsWith("-ERR", await pop.ReadLineAsync());
    }

    [Fact]
    public async Task Session_ImplicitTlsLogin_WritesTlsLogEntry()
    {
        await using (var c = await LineClient.ConnectAsync(fixture.Port("imaps")))
        {
            await c.UpgradeToTlsAsync();
            await c.ReadLineAsync();
            await c.LoginAsync("erin@example.com");
            await c.CommandAsync("q", "LOGOUT");
        }
        var activity = fixture.Server.Services.GetRequiredService<ActivityLog>();
        var factory = fixture.Server.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>();
        var sw = Stopwatch.StartNew();
        TlsLogEntry? entry = null;
        while (entry is null && sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await activity.FlushAsync(cts.Token);
            await using var db = await factory.CreateDbContextAsync(cts.Token);
            entry = await db.TlsLog.Where(e => e.Protocol == "IMAP" && e.AuthUser == "erin@example.com" && e.Listener == "imaps").FirstOrDefaultAsync(cts.Token);
            await Task.Delay(entry is null ? 100 : 0, cts.Token);
        }
        Assert.NotNull(entry);
        Assert.Equal("ok", entry.AuthResult);
        Assert.Equal("LOGIN", entry.AuthMechanism);
        Assert.StartsWith("TLSv1.", entry.TlsVersion);
    }
}
