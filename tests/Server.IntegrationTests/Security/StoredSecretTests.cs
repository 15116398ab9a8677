using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Auth;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.Settings;
using MailHost.Shared.Data;
using MailHost.Shared.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MailHost.Server.IntegrationTests.Security;

/// <summary>
/// Issue 11 item 7: the stored password row must not be password-equivalent. A thief with a copy of
/// settings.db who feeds the row's bytes to a SCRAM-SHA-256 client as SaltedPassword is refused; the
/// real password still works. A row in the old format still logs in with PLAIN and is rewritten.
/// </summary>
public sealed class StoredSecretTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task ScramWithStoredRowBytesAsSaltedPassword_Refused_RealPasswordAccepted()
    {
        string row;
        await using (var db = await Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>().CreateDbContextAsync())
        {
            row = (await db.Accounts.SingleAsync(a => a.Address == "alice@example.com")).PasswordHash;
        }
        // Every 32-byte value in the row is a candidate a thief would try.
        var candidates = row.Split('$').Select(TryBase64).Where(b => b is { Length: 32 }).ToList();
        Assert.NotEmpty(candidates);
        foreach (var candidate in candidates)
        {
            await using var client = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
            await client.ExpectAsync("EHLO x", "250");
            var reply = await ScramClient.RunAsync(client, "alice@example.com", _ => candidate!);
            Assert.StartsWith("535 5.7.8", reply);
        }
        await using var honest = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
        await honest.ExpectAsync("EHLO x", "250");
        Assert.StartsWith("235", await ScramClient.RunAsync(honest, "alice@example.com", ScramClient.FromPassword(SmtpWorld.Password)));
    }

    [Fact]
    public async Task LegacyRow_LogsInWithPlain_IsRewritten_ThenScramStillWorks()
    {
        var factory = Server.Services.GetRequiredService<IDbContextFactory<MailHostDbContext>>();
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2("old-pw", salt, 1000, HashAlgorithmName.SHA256, 32);
        var legacy = $"pbkdf2-sha256$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(salted)}";
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Accounts.Add(new Account { Address = "legacy@example.com", PasswordHash = legacy });
            await db.SaveChangesAsync();
            await db.ServerSettings.ExecuteUpdateAsync(u => u.SetProperty(x => x.Revision, x => x.Revision + 1));
        }
        await Server.Services.GetRequiredService<SettingsSnapshotProvider>().ReloadAsync(CancellationToken.None);

        await using (var client = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan))
        {
            await client.ExpectAsync("EHLO x", "250");
            await client.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "legacy@example.com", "old-pw"), "235");
        }
        // The rewrite runs beside the login; wait for it (and for the snapshot that carries it).
        var row = legacy;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((row == legacy || Server.Snapshot.Current.Accounts["legacy@example.com"].PasswordHash != row) && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            await using var db = await factory.CreateDbContextAsync();
            row = (await db.Accounts.AsNoTracking().SingleAsync(a => a.Address == "legacy@example.com")).PasswordHash;
        }
        Assert.StartsWith(PasswordHasher.Scheme + "$1000$", row);
        Assert.DoesNotContain(Convert.ToBase64String(salted), row);

        await using (var again = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan))
        {
            await again.ExpectAsync("EHLO x", "250");
            await again.ExpectAsync("AUTH PLAIN " + SaslPlain.Encode("", "legacy@example.com", "old-pw"), "235");
        }
        await using var scram = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
        await scram.ExpectAsync("EHLO x", "250");
        Assert.StartsWith("235", await ScramClient.RunAsync(scram, "legacy@example.com", ScramClient.FromPassword("old-pw")));
        // The old SaltedPassword, which a stolen backup of the old row gives, no longer logs in.
        await using var thief = await Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
        await thief.ExpectAsync("EHLO x", "250");
        Assert.StartsWith("535", await ScramClient.RunAsync(thief, "legacy@example.com", _ => salted));
    }

    private static byte[]? TryBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var n) ? buffer[..n] : null;
    }
}

/// <summary>The client side of SCRAM-SHA-256 over SMTP (RFC 5802 §3), with the SaltedPassword supplied by the caller.</summary>
public static class ScramClient
{
    public static Func<(byte[] Salt, int Iterations), byte[]> FromPassword(string password) =>
        p => Rfc2898DeriveBytes.Pbkdf2(password, p.Salt, p.Iterations, HashAlgorithmName.SHA256, 32);

    /// <summary>Runs AUTH SCRAM-SHA-256; returns the final reply line.</summary>
    public static async Task<string> RunAsync(LineClient client, string user, Func<(byte[] Salt, int Iterations), byte[]> saltedPassword, string gs2 = "n,,")
    {
        var clientFirstBare = $"n={user},r=clientnonce{Random.Shared.Next()}";
        var challenge = await client.SmtpAsync("AUTH SCRAM-SHA-256 " + B64(gs2 + clientFirstBare));
        Assert.StartsWith("334 ", challenge[^1]);
        var serverFirst = Unb64(challenge[^1][4..]);
        var fields = serverFirst.Split(',').ToDictionary(f => f[..1], f => f[2..]);
        var salted = saltedPassword((Convert.FromBase64String(fields["s"]), int.Parse(fields["i"], CultureInfo.InvariantCulture)));
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var withoutProof = $"c={B64(gs2)},r={fields["r"]}";
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        var reply = await client.SmtpAsync(B64($"{withoutProof},p={Convert.ToBase64String(proof)}"));
        if (!reply[^1].StartsWith("334 ", StringComparison.Ordinal))
        {
            return reply[^1];
        }
        return (await client.SmtpAsync(""))[^1];
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string Unb64(string s) => Encoding.UTF8.GetString(Convert.FromBase64String(s));
}
