using System.Diagnostics;
using System.Text;
using MailHost.Server.Dkim;
using MailHost.Server.IntegrationTests.Delivery;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.IntegrationTests.Dkim;

/// <summary>
/// Keys made by `mailhost dkim generate`, mail signed by the remote worker and delivered to smtp-sink (the RSA
/// case submitted on 587 with STARTTLS + AUTH and relayed through a real Postfix),
/// then verified by dkimpy (Debian python3-dkim) with the TXT record from `mailhost dkim show` served by dnsmasq.
/// </summary>
public sealed class DkimSigningTests
{
    private const string Sender = "alice@" + DeliveryHarness.LocalDomain;

    [Theory]
    [InlineData("rsa2048", true)]
    [InlineData("ed25519", false)]
    public async Task DeliveredMail_SignedWithGeneratedKey_DkimpyVerifies(string algorithm, bool viaPostfix)
    {
        using var mxDns = await DnsmasqServer.StartAsync([
            DnsmasqServer.Mx("example.test", "mx1.example.test", 10),
            DnsmasqServer.Address("mx1.example.test", "127.0.0.1"),
        ]);
        // Through a real Postfix smtpd (which relays to its smtp-sink), or straight to smtp-sink.
        using var postfix = viaPostfix ? await PostfixPeer.StartAsync(TestCertificates.SelfSigned("mx1.example.test"), "mx1.example.test") : null;
        using var directSink = viaPostfix ? null : await SmtpSink.StartAsync();
        var sink = postfix?.Sink ?? directSink!;
        await using var server = await DeliveryHarness.StartAsync(mxDns, postfix?.Port ?? sink.Port);

        var output = new StringWriter();
        var code = await Cli.CliApp.RunAsync(["dkim", "generate", DeliveryHarness.LocalDomain, "--selector", "s1", "--algorithm", algorithm, "--active", $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output);
        Assert.True(code == 0, output.ToString());
        output = new StringWriter();
        code = await Cli.CliApp.RunAsync(["dkim", "show", DeliveryHarness.LocalDomain, $"--MailHost:DataDir={server.DataDir}"], TextReader.Null, output, output);
        Assert.True(code == 0, output.ToString());
        var zoneLine = output.ToString().Trim().Split('\n').Last(l => l.Contains("IN TXT", StringComparison.Ordinal));
        var txt = string.Concat(zoneLine[(zoneLine.IndexOf('(') + 1)..zoneLine.LastIndexOf(')')].Split('"').Where((_, i) => i % 2 == 1));
        Assert.StartsWith($"v=DKIM1; k={(algorithm == "ed25519" ? "ed25519" : "rsa")}; p=", txt);
        await WaitForKeyAsync(server);

        var body = "Line one.\r\n  spaced    words  \r\n.dot line\r\n\r\n\r\n";
        var message = DeliveryHarness.Message(Sender, "bob@example.test", "signed mail", body);
        // The Postfix variant goes all the way: submitted on 587 with STARTTLS and AUTH, signed, relayed to Postfix.
        var id = viaPostfix
            ? await SubmitAsync(server, message)
            : await DeliveryHarness.EnqueueAsync(server, Sender, ["bob@example.test"], message);
        await DeliveryHarness.WaitAsync(server, id, m => m is null);
        var dumped = await sink.WaitForMessageAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("DKIM-Signature: v=1; a=" + (algorithm == "ed25519" ? "ed25519-sha256" : "rsa-sha256"), dumped);
        Assert.Contains("h=from:subject:date:to:message-id:mime-version:content-type:from", dumped);

        using var keyDns = await DnsmasqServer.StartAsync([DnsmasqServer.Txt($"s1._domainkey.{DeliveryHarness.LocalDomain}", txt)]);
        var (exit, result) = await DkimVerifyAsync(dumped, keyDns.Port);
        Assert.True(exit == 0, result);
        Assert.Contains("signature ok", result);

        // MimeKit's verifier agrees, with the key found in DNS by the MailAuth locator.
        var delivered = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(dumped.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal))));
        var locator = DnsDkimKeyLocatorTests.Locator(keyDns.Port);
        Assert.True(await new MimeKit.Cryptography.DkimVerifier(locator).VerifyAsync(delivered, delivered.Headers.First(h => h.Id == MimeKit.HeaderId.DkimSignature)));

        // The same check must fail when the body changes, or it proves nothing.
        var (badExit, _) = await DkimVerifyAsync(dumped.Replace("Line one.", "Line 1.", StringComparison.Ordinal), keyDns.Port);
        Assert.NotEqual(0, badExit);
    }

    private static async Task<string> SubmitAsync(Infrastructure.TestServer server, string message)
    {
        var set = await Cli.CliApp.RunAsync(["account", "passwd", Sender, "--password-stdin", $"--MailHost:DataDir={server.DataDir}"], new StringReader("submit-pw\n"), TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, set);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Snapshot.Current.Accounts.TryGetValue(Sender, out var a) && a.PasswordHash.Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the password never reached the snapshot");
            await Task.Delay(50);
        }
        await using var client = await Infrastructure.LineClient.ConnectAsync(server.Port("submission"));
        Assert.StartsWith("220", (await client.ReadSmtpReplyAsync())[^1]);
        await client.SmtpAsync("EHLO client.example");
        Assert.StartsWith("220", (await client.SmtpAsync("STARTTLS"))[^1]);
        await client.UpgradeToTlsAsync();
        await client.SmtpAsync("EHLO client.example");
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{Sender}\0submit-pw"));
        Assert.StartsWith("235", (await client.SmtpAsync("AUTH PLAIN " + token))[^1]);
        Assert.StartsWith("250", (await client.SmtpAsync($"MAIL FROM:<{Sender}>"))[^1]);
        Assert.StartsWith("250", (await client.SmtpAsync("RCPT TO:<bob@example.test>"))[^1]);
        Assert.StartsWith("354", (await client.SmtpAsync("DATA"))[^1]);
        var stuffed = string.Join("\r\n", message.Split("\r\n").Select(l => l.StartsWith('.') ? "." + l : l));
        var accepted = (await client.SmtpAsync(stuffed.TrimEnd('\r', '\n') + "\r\n."))[^1];
        Assert.StartsWith("250", accepted);
        return accepted.Split(' ')[^1];
    }

    private static async Task WaitForKeyAsync(Infrastructure.TestServer server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Snapshot.Current.DkimKeys.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "the new DKIM key never reached the snapshot");
            await Task.Delay(50);
        }
    }

    private static async Task<(int Exit, string Output)> DkimVerifyAsync(string message, int dnsPort)
    {
        // smtp-sink writes LF line ends; the message on the wire had CRLF.
        var crlf = message.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dkim", "dkim_verify.py"));
        psi.ArgumentList.Add(dnsPort.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(psi)!;
        await process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(crlf));
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
