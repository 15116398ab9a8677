using System.Net.Sockets;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Smtp;

public sealed class SmtpTlsTests(SmtpFixture fixture) : IClassFixture<SmtpFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task StartTls_ResetsState_AndAdvertisesRequireTls()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("STARTTLS", "220 2.0.0");
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "503 5.5.1");
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.Contains("250-REQUIRETLS", ehlo);
        Assert.DoesNotContain("250-STARTTLS", ehlo);
        await client.ExpectAsync("STARTTLS", "503 5.5.1");
        await client.ExpectAsync("MAIL FROM:<a@b.example> REQUIRETLS", "250");
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "250");
        await client.ExpectAsync("DATA", "354");
        await client.SendAsync("Subject: tls\r\n\r\nsecret\r\n.\r\n");
        var reply = (await client.ReadSmtpReplyAsync())[^1];
        var (envelope, content) = await Server.QueuedAsync(reply);
        Assert.True(envelope.RequireTls);
        Assert.StartsWith("TLSv1.", envelope.TlsVersion);
        Assert.Matches(@"^Received: from x \(\[127\.0\.0\.1\]\)\r\n\t\(using TLSv1\.\d with cipher TLS_\w+\)\r\n\tby mx\.test\.local \(MailHost\) with ESMTPS id \w+\r\n\tfor <alice@example\.com>; ", content);
    }

    [Fact]
    public async Task RequireTlsParameter_WithoutTls_Refused()
    {
        await using var client = await Server.ConnectSmtpAsync();
        await client.ExpectAsync("EHLO x", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example> REQUIRETLS", "530 5.7.10");
    }

    [Fact]
    public async Task StartTlsRequiredListener_RefusesCommandsBeforeTls()
    {
        await using var client = await Server.ConnectSmtpAsync("submission");
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.Contains("250-STARTTLS", ehlo);
        Assert.DoesNotContain(ehlo, l => l.Contains("AUTH", StringComparison.Ordinal));
        await client.ExpectAsync("NOOP", "250");
        await client.ExpectAsync("RSET", "250");
        await client.ExpectAsync("MAIL FROM:<a@b.example>", "530 5.7.0");
        await client.ExpectAsync("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHB3", "530 5.7.0");
        await client.ExpectAsync("VRFY alice", "530 5.7.0");
        await client.ExpectAsync("STARTTLS", "220");
        await client.UpgradeToTlsAsync();
        ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.Contains("250-AUTH PLAIN LOGIN SCRAM-SHA-256", ehlo);
    }

    [Fact]
    public async Task StartTlsInjection_PipelinedCommandsAreNotExecuted()
    {
        await using var client = await Server.ConnectSmtpAsync("smtp", SmtpWorld.Internet);
        await client.ExpectAsync("EHLO x", "250");
        // CVE-2011-0411: the injected commands ride in the same plaintext packet as STARTTLS.
        await client.SendAsync("STARTTLS\r\nEHLO injected\r\nMAIL FROM:<evil@attacker.example>\r\n");
        var reply = await client.ReadSmtpReplyAsync();
        Assert.StartsWith("220", reply[^1]);
        await client.UpgradeToTlsAsync();
        // Had the injected lines run, MAIL would already be accepted and RCPT would get a 250/550 reply, not 503.
        await client.ExpectAsync("RCPT TO:<alice@example.com>", "503 5.5.1");
        await client.ExpectAsync("EHLO real", "250");
        await client.ExpectAsync("NOOP", "250");
    }

    [Fact]
    public async Task ImplicitTls_Works_AndReceivedHeaderShowsCipher()
    {
        await using var client = await Server.ConnectImplicitTlsAsync("submissions");
        Assert.NotNull(client.Tls);
        var ehlo = await client.ExpectAsync("EHLO x", "250");
        Assert.DoesNotContain("250-STARTTLS", ehlo);
    }
}
