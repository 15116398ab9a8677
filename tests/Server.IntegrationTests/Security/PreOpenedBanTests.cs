using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 11 item 2: connections opened before the ban must not go on guessing. Ten connections from
/// one address (SMTP, IMAP, POP3) are opened first, then each guesses passwords as fast as it can.
/// At most AuthFailLimit passwords may be checked in all, the address's other open sessions are cut
/// when it is banned, the right password is refused, and the ban is one row.
/// </summary>
public sealed class PreOpenedBanTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private const int Attackers = 10;
    private const int GuessesEach = 20;
    private SecurityServer Server => fixture.Server;

    [Fact]
    public async Task PreOpenedConnections_GuessInParallel_AtMostLimitChecked_OthersClosed_OneBanRow()
    {
        var address = SecurityWorld.Bannable;
        var attackers = new List<(int Protocol, LineClient Client)>();
        for (var i = 0; i < Attackers; i++)
        {
            attackers.Add((i % 3, await OpenAsync(i % 3, address)));
        }
        // Bystanders from the same address that never guess: the ban must close them too.
        var idleSmtp = await OpenAsync(0, address);
        var idleImap = await OpenAsync(1, address);
        var idlePop3 = await OpenAsync(2, address);

        var tried = await Task.WhenAll(attackers.Select(a => GuessAsync(a.Protocol, a.Client)));
        var total = tried.Sum();
        Assert.InRange(total, 1, SecurityWorld.AuthFailLimit);
        Assert.True(await Server.IsBannedAsync(address));

        // The right password on a connection opened before the ban is never accepted.
        var reply = await TryAsync(async () => (await idleSmtp.SmtpAsync("AUTH PLAIN " + SaslPlain.Encode("", SecurityWorld.BruteUser, SecurityWorld.Password)))[^1]);
        Assert.False(reply?.StartsWith("235", StringComparison.Ordinal) ?? false, "235 while banned: " + reply);
        Assert.True(await IsClosedAsync(idleImap), "IMAP bystander still open after the ban");
        Assert.True(await IsClosedAsync(idlePop3), "POP3 bystander still open after the ban");

        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.IpBans.CountAsync(b => b.Address == address.ToString()));

        foreach (var (_, client) in attackers)
        {
            await client.DisposeAsync();
        }
        await idleSmtp.DisposeAsync();
        await idleImap.DisposeAsync();
        await idlePop3.DisposeAsync();
    }

    private async Task<LineClient> OpenAsync(int protocol, IPAddress source)
    {
        switch (protocol)
        {
            case 0:
                {
                    var c = await LineClient.ConnectAsync(Server.Port("smtp"), source);
                    Assert.StartsWith("220", (await c.ReadSmtpReplyAsync())[^1]);
                    await c.ExpectAsync("EHLO x", "250");
                    return c;
                }
            case 1:
                {
                    var c = await LineClient.ConnectAsync(fixture.ImapOptPort, source);
                    Assert.StartsWith("* OK", await c.ReadLineAsync());
                    return c;
                }
            default:
                {
                    var c = await LineClient.ConnectAsync(fixture.Pop3OptPort, source);
                    Assert.StartsWith("+OK", await c.ReadLineAsync());
                    return c;
                }
        }
    }

    /// <summary>Guesses until refused or cut; returns how many guesses got the "checked and wrong" answer.</summary>
    private static async Task<int> GuessAsync(int protocol, LineClient c)
    {
        var checkedWrong = 0;
        for (var i = 0; i < GuessesEach; i++)
        {
            var password = $"wrong{protocol}-{i}";
            var answer = await TryAsync(async () => protocol switch
            {
                0 => (await c.SmtpAsync("AUTH PLAIN " + SaslPlain.Encode("", SecurityWorld.BruteUser, password)))[^1],
                1 => (await c.CommandAsync("a" + i, $"LOGIN {SecurityWorld.BruteUser} {password}"))[^1],
                _ => await Pop3GuessAsync(c, password),
            });
            var wrong = answer is not null && (answer.StartsWith("535 5.7.8", StringComparison.Ordinal)
                || answer.Contains("NO [AUTHENTICATIONFAILED]", StringComparison.Ordinal)
                || answer.StartsWith("-ERR [AUTH] Authentication failed", StringComparison.Ordinal));
            if (!wrong)
            {
                // Refused (banned), temporarily refused, or the connection was cut.
                Assert.False(answer?.StartsWith("235", StringComparison.Ordinal) ?? false);
                if (answer is null || !answer.StartsWith("454", StringComparison.Ordinal) && !answer.Contains("[UNAVAILABLE]", StringComparison.Ordinal) && !answer.Contains("[SYS/TEMP]", StringComparison.Ordinal))
                {
                    return checkedWrong;
                }
                continue;
            }
            checkedWrong++;
        }
        return checkedWrong;
    }

    private static async Task<string?> Pop3GuessAsync(LineClient c, string password)
    {
        await c.SendLineAsync("USER " + SecurityWorld.BruteUser);
        var user = await c.ReadLineAsync();
        if (user is null || !user.StartsWith("+OK", StringComparison.Ordinal))
        {
            return user;
        }
        await c.SendLineAsync("PASS " + password);
        return await c.ReadLineAsync();
    }

    private static async Task<string?> TryAsync(Func<Task<string?>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>True when the server has closed the connection (end of stream or reset) within a few seconds.</summary>
    private static async Task<bool> IsClosedAsync(LineClient c)
    {
        try
        {
            await c.SendLineAsync("NOOP");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!cts.IsCancellationRequested)
            {
                var line = await c.ReadLineAsync();
                if (line is null)
                {
                    return true;
                }
            }
            return false;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            return true;
        }
    }
}

/// <summary>
/// Issue 11 item 3: an attacker who owns one account alternates four wrong guesses at another
/// account with one correct login of its own. The success clears only its own user's failures,
/// so the address is banned once the guesses at the victim reach the limit.
/// </summary>
public sealed class AlternationBanTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    [Fact]
    public async Task WrongGuessesAtVictim_InterleavedWithOwnCorrectLogin_StillBanned()
    {
        var address = SecurityWorld.Bannable;
        var refused = false;
        for (var round = 0; round < 5 && !refused; round++)
        {
            for (var i = 0; i < 4 && !refused; i++)
            {
                refused = await AuthAsync(address, SecurityWorld.BruteUser, $"wrong{round}-{i}") is not ("535" or null);
            }
            if (!refused)
            {
                var own = await AuthAsync(address, "alice@example.com", SecurityWorld.Password);
                refused = own != "235";
            }
        }
        Assert.True(refused, "20 wrong guesses interleaved with own correct logins were never banned");
        Assert.True(await fixture.Server.IsBannedAsync(address));
    }

    /// <summary>One AUTH PLAIN on a fresh SMTP connection; the reply code, or "greeting" when refused before AUTH.</summary>
    private async Task<string?> AuthAsync(IPAddress source, string user, string password)
    {
        await using var c = await LineClient.ConnectAsync(fixture.Server.Port("smtp"), source);
        var greeting = (await c.ReadSmtpReplyAsync())[^1];
        if (!greeting.StartsWith("220", StringComparison.Ordinal))
        {
            return "greeting";
        }
        await c.ExpectAsync("EHLO x", "250");
        return (await c.SmtpAsync("AUTH PLAIN " + SaslPlain.Encode("", user, password)))[^1][..3];
    }
}
