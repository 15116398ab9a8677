using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

public sealed class SmtpAuthTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task AuthPlain_OverTls_Succeeds_AndMayRelay()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.Internet);
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.Contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256", ehlo);
        await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "235 2.7.0");
        await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "503 5.5.1");
        await client.ExpectAsync("MAIL FROM:<alice@example.com>", "250");
        await client.ExpectAsync("RCPT TO:<someone@remote.example>", "250");
    }

    [Fact]
    public async Task AuthLogin_WithChallenges_Succeeds()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.Internet);
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("AUTH LOGIN", "334 VXNlcm5hbWU6");
        await client.ExpectAsync(B64("alice@example.com"), "334 UGFzc3dvcmQ6");
        await client.ExpectAsync(B64(SmtpWorld.Password), "235 2.7.0");
    }

    [Fact]
    public async Task AuthPlain_WithoutInitialResponse_AndCancel()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("AUTH PLAIN", "334");
        await client.ExpectAsync("*", "501 5.7.0");
        await client.ExpectAsync("AUTH PLAIN", "334");
        await client.ExpectAsync("not base64!", "501 5.5.2");
        await client.ExpectAsync("AUTH CRAM-MD5", "504 5.5.4");
        await client.ExpectAsync("AUTH PLAIN", "334");
        await client.ExpectAsync(SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "235");
    }

    [Fact]
    public async Task AuthFailures_UnknownUserAndBadPassword_LookIdentical()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
        await client.ExpectAsync("EHLO x", "250");
        var unknown = await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "nobody@example.com", "pw"), "535 5.7.8");
        var badPassword = await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", "wrong"), "535 5.7.8");
        var denied = await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "nosmtp@example.com", SmtpWorld.Password), "535 5.7.8");
        Assert.Equal(unknown, badPassword);
        Assert.Equal(unknown, denied);
    }

    [Fact]
    public async Task Auth_FromInternetWithoutTls_Gets538_AndIsNotOffered()
    {
        await using var client = await Server.ConnectSmtpAsync("smtp", SmtpWorld.Internet);
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.DoesNotContain(ehlo, l => l.Contains("AUTH", StringComparison.Ordinal));
        await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "538 5.7.11");
        await client.ExpectAsync("STARTTLS", "220");
        await client.UpgradeToTlsAsync();
        ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.Contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256", ehlo);
    }

    [Fact]
    public async Task Auth_OnRangeWithoutAuth_Gets503()
    {
        var server = await TestServer.StartAsync(db =>
        {
            SmtpWorld.Seed(db);
            foreach (var r in db.IpRanges.Local.Where(r => r.Name == "test internet"))
            {
                r.AllowAuth = false;
            }
        });
        await using (server)
        {
            await using var client = await server.ConnectImplicitTlsAsync("submissions", SmtpWorld.Internet);
            var ehlo = await client.ExpectAsync("EHLO x", "250");
            Assert.DoesNotContain(ehlo, l => l.Contains("AUTH", StringComparison.Ordinal));
            await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", SmtpWorld.Password), "503 5.5.1");
        }
    }

    [Fact]
    public async Task RepeatedFailures_BanAddress_ButNeverBanRangeWins()
    {
        var limit = Server.Snapshot.Current.Server.AuthFailLimit;
        await using (var client = await Server.ConnectSmtpAsync("smtp", SmtpWorld.Bannable))
        {
            await client.ExpectAsync("EHLO x", "250");
            for (var i = 0; i < limit - 1; i++)
            {
                await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", "wrong" + i), "535 5.7.8");
            }
            await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", "wrong"), "535 5.7.8");
            Assert.StartsWith("421 4.7.0", (await client.ReadSmtpReplyAsync())[^1]);
        }
        await using (var banned = await LineClient.ConnectAsync(Server.Port("smtp"), SmtpWorld.Bannable))
        {
            Assert.StartsWith("421 4.7.0", (await banned.ReadSmtpReplyAsync())[^1]);
            Assert.Null(await banned.ReadLineAsync());
        }
        await using (var client = await Server.ConnectSmtpAsync("smtp", SmtpWorld.NeverBan))
        {
            await client.ExpectAsync("EHLO x", "250");
            for (var i = 0; i < limit + 2; i++)
            {
                await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "alice@example.com", "wrong" + i), "535 5.7.8");
                if (i == 4)
                {
                    await client.ExpectAsync("RSET", "250");
                }
            }
        }
        await using var again = await Server.ConnectSmtpAsync("smtp", SmtpWorld.NeverBan);
    }
}
