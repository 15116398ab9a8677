using System.Diagnostics;
using System.Net;
using MailHost.Server.Auth;
using MailHost.Server.Cli;
using MailHost.Server.IntegrationTests.Imap;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// 50 wrong passwords from one address, rotating SMTP AUTH, IMAP LOGIN and POP3 USER/PASS: the
/// address is banned when the failures reach AuthFailLimit (counted across protocols), the ban is in
/// the IpBans table and `mailhost ban list`, and `mailhost ban remove` lifts it. An allow-listed
/// address (range with NeverBan) is never banned.
/// </summary>
public sealed class BruteForceBanTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private const int Attempts = 50;
    private SecurityServer Server => fixture.Server;

    private enum Outcome
    {
        Failed,
        RefusedAtGreeting,
    }

    [Fact]
    public async Task WrongPasswords_AcrossProtocols_BanAtLimit_ListedAndLiftedByCli()
    {
        var address = SecurityWorld.Bannable;
        var outcomes = new List<Outcome>();
        for (var i = 0; i < Attempts; i++)
        {
            outcomes.Add(await AttemptAsync(i % 3, address, "wrong" + i));
        }
        // Exactly AuthFailLimit failures were answered; every connection after that was refused at the greeting.
        Assert.Equal(SecurityWorld.AuthFailLimit, outcomes.TakeWhile(o => o == Outcome.Failed).Count());
        Assert.All(outcomes.Skip(SecurityWorld.AuthFailLimit), o => Assert.Equal(Outcome.RefusedAtGreeting, o));
        // Even the right password is not heard while banned.
        Assert.Equal(Outcome.RefusedAtGreeting, await AttemptAsync(0, address, SecurityWorld.Password));

        await using (var db = await Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync())
        {
            var ban = await db.IpBans.SingleAsync(b => b.Address == address.ToString());
            Assert.InRange(ban.UntilUtc - ban.BannedUtc, TimeSpan.FromMinutes(29.9), TimeSpan.FromMinutes(30.1));
        }
        var (code, list) = await CliAsync("ban", "list");
        Assert.Equal(0, code);
        Assert.Contains(address.ToString(), list);

        (code, var removed) = await CliAsync("ban", "remove", address.ToString());
        Assert.Equal(0, code);
        Assert.Contains("lifted", removed);
        (_, list) = await CliAsync("ban", "list");
        Assert.DoesNotContain(address.ToString(), list);

        // The CLI bumps the settings revision; the engine re-reads bans within the poll interval.
        var watch = Stopwatch.StartNew();
        string greeting;
        do
        {
            await Task.Delay(100);
            await using var c = await LineClient.ConnectAsync(Server.Port("smtp"), address);
            greeting = (await c.ReadSmtpReplyAsync())[^1];
        }
        while (!greeting.StartsWith("220", StringComparison.Ordinal) && watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.StartsWith("220", greeting);
        await using var smtp = await Server.ConnectSmtpAsync("smtp", address);
        await smtp.ExpectAsync("EHLO x", "250");
        await smtp.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", SecurityWorld.BruteUser, SecurityWorld.Password), "235");
    }

    [Fact]
    public async Task WrongPasswords_FromNeverBanRange_NeverBanned()
    {
        var address = SecurityWorld.NeverBan;
        for (var i = 0; i < Attempts; i++)
        {
            Assert.Equal(Outcome.Failed, await AttemptAsync(i % 3, address, "wrong" + i));
        }
        await using (var db = await Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.IpBans.AnyAsync(b => b.Address == address.ToString()));
        }
        Assert.DoesNotContain(address.ToString(), (await CliAsync("ban", "list")).Output);
        await using var smtp = await Server.ConnectSmtpAsync("smtp", address);
        await smtp.ExpectAsync("EHLO x", "250");
        await smtp.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", SecurityWorld.BruteUser, SecurityWorld.Password), "235");
    }

    /// <summary>One login attempt on a fresh connection: 0 = SMTP AUTH PLAIN, 1 = IMAP LOGIN, 2 = POP3 USER/PASS.</summary>
    private async Task<Outcome> AttemptAsync(int protocol, IPAddress source, string password)
    {
        switch (protocol)
        {
            case 0:
                {
                    await using var c = await LineClient.ConnectAsync(Server.Port("smtp"), source);
                    var greeting = (await c.ReadSmtpReplyAsync())[^1];
                    if (!greeting.StartsWith("220", StringComparison.Ordinal))
                    {
                        Assert.StartsWith("421 4.7.0", greeting);
                        return Outcome.RefusedAtGreeting;
                    }
                    await c.ExpectAsync("EHLO x", "250");
                    var reply = (await c.SmtpAsync("AUTH PLAIN " + SaslPlain.Encode("", SecurityWorld.BruteUser, password)))[^1];
                    Assert.StartsWith(password == SecurityWorld.Password ? "235" : "535 5.7.8", reply);
                    return Outcome.Failed;
                }
            case 1:
                {
                    await using var c = await LineClient.ConnectAsync(fixture.ImapOptPort, source);
                    var greeting = await c.ReadLineAsync() ?? "";
                    if (!greeting.StartsWith("* OK", StringComparison.Ordinal))
                    {
                        Assert.StartsWith("* BYE", greeting);
                        return Outcome.RefusedAtGreeting;
                    }
                    Assert.StartsWith("a NO [AUTHENTICATIONFAILED]", (await c.CommandAsync("a", $"LOGIN {SecurityWorld.BruteUser} {password}"))[^1]);
                    return Outcome.Failed;
                }
            default:
                {
                    await using var c = await LineClient.ConnectAsync(fixture.Pop3OptPort, source);
                    var greeting = await c.ReadLineAsync() ?? "";
                    if (!greeting.StartsWith("+OK", StringComparison.Ordinal))
                    {
                        Assert.StartsWith("-ERR", greeting);
                        return Outcome.RefusedAtGreeting;
                    }
                    await c.SendLineAsync("USER " + SecurityWorld.BruteUser);
                    Assert.StartsWith("+OK", await c.ReadLineAsync());
                    await c.SendLineAsync("PASS " + password);
                    Assert.StartsWith("-ERR [AUTH]", await c.ReadLineAsync());
                    return Outcome.Failed;
                }
        }
    }

    private async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, $"--MailHost:DataDir={Server.DataDir}"], new StringReader(""), output, error).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, output + error.ToString());
    }
}
