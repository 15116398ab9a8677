using System.Diagnostics;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Shared.Entities;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>Tests that change settings: each starts its own server.</summary>
public sealed class SmtpSettingsChangeTests
{
    [Fact]
    public async Task SmtpSession_OnRemovedListener_CompletesQuit()
    {
        await using var server = await TestServer.StartAsync(SmtpWorld.Seed);
        var port = server.Port("smtp");
        await using var client = await server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await server.Settings.UpdateAsync("test", "remove smtp", (d, db) =>
        {
            var smtp = d.Listeners.Single(l => l.Name == "smtp");
            d.Listeners.Remove(smtp);
            db.Listeners.Remove(smtp);
        }, cts.Token);
        await WaitUntilRefusedAsync(port, cts.Token);
        await client.ExpectAsync("NOOP", "250");
        await client.SendMessageAsync("a@b.example", "alice@example.com");
        await client.ExpectAsync("QUIT", "221");
    }

    [Fact]
    public async Task ChangeBanner_WithOpenSession_NewConnectionSeesNewBannerWithin1s()
    {
        await using var server = await TestServer.StartAsync(SmtpWorld.Seed);
        await using var open = await server.ConnectSmtpAsync();
        await open.ExpectAsync("EHLO x", "250");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await server.Settings.UpdateAsync("test", "banner", (d, _) => d.Server.Banner = "mx.test.local ESMTP changed banner", cts.Token);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using var fresh = await LineClient.ConnectAsync(server.Port("smtp"));
            var greeting = (await fresh.ReadSmtpReplyAsync())[^1];
            if (greeting == "220 mx.test.local ESMTP changed banner")
            {
                break;
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"still '{greeting}' after {watch.ElapsedMilliseconds} ms");
            await Task.Delay(50, cts.Token);
        }
        await open.ExpectAsync("NOOP", "250");
        await open.ExpectAsync("QUIT", "221");
    }

    [Fact]
    public async Task RelayRangeChange_AppliesToNextTransaction()
    {
        await using var server = await TestServer.StartAsync(SmtpWorld.Seed);
        await using var client = await server.ConnectSmtpAsync("smtp", SmtpWorld.Internet);
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        await client.ExpectAsync("RCPT TO:<x@remote.example>", "554 5.7.1");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await server.Settings.UpdateAsync("test", "relay", (d, _) => d.IpRanges.Single(r => r.Name == "test internet").AllowRelay = true, cts.Token);
        await WaitForAsync(() => server.Snapshot.Current.IpRanges.Single(r => r.Name == "test internet").AllowRelay, cts.Token);
        // Same transaction: the snapshot from MAIL FROM still governs.
        await client.ExpectAsync("RCPT TO:<x@remote.example>", "554 5.7.1");
        await client.ExpectAsync("RSET", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "250");
        await client.ExpectAsync("RCPT TO:<x@remote.example>", "250");
    }

    [Fact]
    public async Task ReceivedHeader_ShowsAuthUser_OnlyWhenConfigured()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            var settings = db.ServerSettings.Single();
            settings.ReceivedHeaderShowsAuthUser = true;
            settings.VrfyEnabled = true;
        });
        await using var client = await server.ConnectImplicitTlsAsync("submissions");
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("VRFY alice", "252 2.0.0");
        await client.ExpectAsync("AUTH PLAIN " + MailHost.Server.Auth.SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "235");
        var reply = await client.SendMessageAsync("alice@example.com", "someone@remote.example");
        var (_, content) = await server.QueuedAsync(reply);
        Assert.Contains("\t(Authenticated sender: alice@example.com)\r\n", content);
    }

    [Fact]
    public async Task Connect_FromRangeWithoutSmtp_Gets554()
    {
        await using var server = await TestServer.StartAsync(SmtpWorld.Seed);
        await using var client = await LineClient.ConnectAsync(server.Port("smtp"), SmtpWorld.NoSmtp);
        Assert.StartsWith("554 5.7.1", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Connect_OverPerIpLimit_Gets421()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            db.ServerSettings.Single().MaxConnectionsPerIp = 2;
        });
        await using var one = await server.ConnectSmtpAsync();
        await using var two = await server.ConnectSmtpAsync();
        await using var three = await LineClient.ConnectAsync(server.Port("smtp"));
        Assert.StartsWith("421 4.7.0", (await three.ReadSmtpReplyAsync())[^1]);
        Assert.Null(await three.ReadLineAsync());
    }

    [Fact]
    public async Task Connect_OverListenerLimit_Gets421()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            foreach (var l in db.Listeners.Where(l => l.Name == "smtp"))
            {
                l.MaxConnections = 1;
            }
        });
        await using var one = await server.ConnectSmtpAsync();
        await using var two = await LineClient.ConnectAsync(server.Port("smtp"));
        Assert.StartsWith("421 4.7.0", (await two.ReadSmtpReplyAsync())[^1]);
        await one.ExpectAsync("NOOP", "250");
    }

    [Fact]
    public async Task IdleSession_Gets421_442_AfterListenerTimeout()
    {
        await using var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            foreach (var l in db.Listeners.Where(l => l.Name == "smtp"))
            {
                l.IdleTimeoutSeconds = 10;
            }
        });
        await using var client = await LineClient.ConnectAsync(server.Port("smtp"), timeout: TimeSpan.FromSeconds(20));
        await client.ReadSmtpReplyAsync();
        var watch = Stopwatch.StartNew();
        Assert.StartsWith("421 4.4.2", (await client.ReadSmtpReplyAsync())[^1]);
        Assert.InRange(watch.Elapsed.TotalSeconds, 9, 15);
        Assert.Null(await client.ReadLineAsync());
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task WaitUntilRefusedAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await using var probe = await LineClient.ConnectAsync(port, timeout: TimeSpan.FromSeconds(1));
            }
            catch (System.Net.Sockets.SocketException)
            {
                return;
            }
            await Task.Delay(50, cancellationToken);
        }
    }
}
