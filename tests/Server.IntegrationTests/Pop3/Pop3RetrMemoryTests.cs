using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Security;
using MailHost.Server.IntegrationTests.Smtp;
using MailHost.Server.IntegrationTests.Storage;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Pop3;

/// <summary>
/// RETR and TOP stream from the message file with bounded buffers: python's poplib fetches a ~20 MB
/// message twice from a `mailhost` process of its own while the test samples that process's VmRSS.
/// (Not the test host's: other test classes share it, and its RSS moved by 190 MB in one full run for
/// reasons of theirs.) The old code read the whole file, built a dot-stuffed copy and a third buffer for
/// the reply (~60 MB per RETR).
/// </summary>
public sealed class Pop3RetrMemoryTests(ITestOutputHelper output)
{
    private const int MessageMegabytes = 20;

    private const string AppendScript = PythonClient.Prelude + """
        class AlreadyCrlf:
            # imaplib rewrites the line ends of a literal; the message is CRLF already.
            @staticmethod
            def sub(repl, message):
                return message
        imaplib.MapCRLF = AlreadyCrlf
        line = b'.dot-stuffed ' + b'x' * 60 + b'\r\n'
        body = b'Subject: big\r\n\r\n' + line * (int(sys.argv[2]) * 1024 * 1024 // len(line) + 1)
        m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
        m.starttls(ssl_context=ctx)
        m.login('alice@example.com', 'pw')
        typ, data = m.append('INBOX', None, None, body)
        print('append', typ, len(body))
        m.logout()
        """;

    private const string RetrScript = PythonClient.Prelude + """
        p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
        p.user('alice@example.com'); p.pass_('pw')
        n = p.stat()[0]
        for _ in range(2):
            resp, lines, octets = p.retr(n)
            print('retr', resp, len(lines), lines[2][:13])
        resp, lines, octets = p.top(n, 3)
        print('top', len(lines))
        p.quit()
        """;

    [Fact]
    public async Task Retr_TwentyMegabyteMessage_MemoryGrowthBounded()
    {
        var (dataDir, ports) = await TestDataDir.CreateAsync(SmtpWorld.Seed);
        try
        {
            await using var server = await ExternalServer.StartAsync(dataDir, ports);
            var appended = await PythonClient.RunAsync(AppendScript, TimeSpan.FromMinutes(2),
                ports["imap"].ToString(CultureInfo.InvariantCulture), MessageMegabytes.ToString(CultureInfo.InvariantCulture));
            output.WriteLine(appended);
            Assert.Contains("append OK", appended);
            var size = long.Parse(appended.Split(' ', StringSplitOptions.TrimEntries)[^1], CultureInfo.InvariantCulture);

            var baseline = await ServerProcessMemory.SettleAsync(server.ProcessId);
            var peak = baseline.RssKb;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, ServerProcessMemory.RssKb(server.ProcessId));
                    await Task.Delay(20);
                }
            });
            var text = await PythonClient.RunAsync(RetrScript, TimeSpan.FromMinutes(3), ports["pop3s"].ToString(CultureInfo.InvariantCulture));
            await sampling.CancelAsync();
            await sampler;
            output.WriteLine(text);
            output.WriteLine($"mailhost VmRSS {baseline.RssKb / 1024} MB before, peak {peak / 1024} MB while serving a {size / 1024 / 1024} MB message twice");
            Assert.Contains($"retr b'+OK {size} octets'", text);
            Assert.Contains("b'.dot-stuffed '", text);
            Assert.Contains("top 5", text);
            // Generous: the streamed path needs a few 64 KB buffers; the old one ~3× the message per RETR.
            Assert.True(peak - baseline.RssKb < 30 * 1024, $"mailhost's VmRSS grew from {baseline.RssKb} KB to {peak} KB");
            Assert.False(server.HasExited, server.Output.ToString());
        }
        finally
        {
            TestDataDir.Delete(dataDir);
        }
    }
}
