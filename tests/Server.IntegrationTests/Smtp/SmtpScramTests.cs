using System.Security.Cryptography;
using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>AUTH SCRAM-SHA-256 end to end, with the client side computed from RFC 5802 §3.</summary>
public sealed class SmtpScramTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string Unb64(string s) => Encoding.UTF8.GetString(Convert.FromBase64String(s));

    private async Task<(List<string> Reply, string? ServerSignature, string Expected)> ScramAsync(LineClient client, string user, string password)
    {
        var clientFirstBare = $"n={user},r=clientnonce123";
        var challenge = await client.ExpectAsync("AUTH SCRAM-SHA-256 " + B64("n,," + clientFirstBare), "334 ");
        var serverFirst = Unb64(challenge[^1][4..]);
        var fields = serverFirst.Split(',').ToDictionary(f => f[..1], f => f[2..]);
        var salted = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(fields["s"]), int.Parse(fields["i"]), HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var withoutProof = $"c=biws,r={fields["r"]}";
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        var expected = "v=" + Convert.ToBase64String(HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage));
        var reply = await client.SmtpAsync(B64($"{withoutProof},p={Convert.ToBase64String(proof)}"));
        if (!reply[^1].StartsWith("334 ", StringComparison.Ordinal))
        {
            return (reply, null, expected);
        }
        var serverFinal = Unb64(reply[^1][4..]);
        return (await client.SmtpAsync(""), serverFinal, expected);
    }

    [Fact]
    public async Task Scram_RightPassword_Authenticates_AndServerProvesItself()
    {
        await using var client = await fixture.Server.ConnectImplicitTlsAsync("submissions");
        await client.ExpectAsync("EHLO x", "250");
        var (reply, serverFinal, expected) = await ScramAsync(client, "alice@example.com", SmtpWorld.Password);
        Assert.StartsWith("235 2.7.0", reply[^1]);
        Assert.Equal(expected, serverFinal);
        await client.ExpectAsync("MAIL FROM:<alice@example.com>", "250");
        await client.ExpectAsync("RCPT TO:<x@remote.example>", "250");
    }

    [Fact]
    public async Task Scram_WrongPasswordAndUnknownUser_Get535()
    {
        await using var client = await fixture.Server.ConnectImplicitTlsAsync("submissions", SmtpWorld.NeverBan);
        await client.ExpectAsync("EHLO x", "250");
        var (wrong, _, _) = await ScramAsync(client, "alice@example.com", "wrong");
        var (unknown, _, _) = await ScramAsync(client, "ghost@example.com", "pw");
        Assert.StartsWith("535 5.7.8", wrong[^1]);
        Assert.Equal(wrong, unknown);
    }
}
