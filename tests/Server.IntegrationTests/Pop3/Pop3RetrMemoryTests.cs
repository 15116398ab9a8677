using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;
using MailHost.Server.IntegrationTests.Security;
using MailHost.Server.IntegrationTests.Storage;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Pop3;

/// <summary>
/// RETR and TOP stream from the message file with bounded buffers: python's poplib fetches a ~20 MB
/// message twice while the test samples this process's VmRSS (the in-process server's). The old code
/// read the whole file, built a dot-stuffed copy and a third buffer for the reply (~60 MB per RETR).
/// </summary>
[Collection("mailstore")]
public sealed class Pop3RetrMemoryTests(MailServerFixture fixture, ITestOutputHelper output)
{
    private const int MessageMegabytes = 20;

    [Fact]
    public async Task Retr_TwentyMegabyteMessage_MemoryGrowthBounded()
    {
        var body = new StringBuilder("Subject: big\r\n\r\n");
        var line = ".dot-stuffed " + new string('x', 60) + "\r\n";
        while (body.Length < MessageMegabytes * 1024 * 1024)
        {
            body.Append(line);
        }
        var size = body.Length;
        await fixture.PutAsync("carol@example.com", "INBOX", body.ToString());
        body = null;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var baseline = ServerProcessMemory.RssKb(Environment.ProcessId);
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ServerProcessMemory.RssKb(Environment.ProcessId));
                await Task.Delay(20);
            }
        });
        var script = PythonClient.Prelude + """
            p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
            p.user('carol@example.com'); p.pass_('pw')
            n = p.stat()[0]
            for _ in range(2):
                resp, lines, octets = p.retr(n)
                print('retr', resp, len(lines), lines[2][:13])
            resp, lines, octets = p.top(n, 3)
            print('top', len(lines))
            p.quit()
            """;
        var text = await PythonClient.RunAsync(script, TimeSpan.FromMinutes(3), fixture.Port("pop3s").ToString(CultureInfo.InvariantCulture));
        await sampling.CancelAsync();
        await sampler;
        output.WriteLine(text);
        output.WriteLine($"VmRSS {baseline / 1024} MB before, peak {peak / 1024} MB while serving a {size / 1024 / 1024} MB message twice");
        Assert.Contains($"retr b'+OK {size} octets'", text);
        Assert.Contains("b'.dot-stuffed '", text);
        Assert.Contains("top 5", text);
        // Generous: the streamed path needs a few 64 KB buffers; the old one ~3× the message per RETR.
        Assert.True(peak - baseline < 30 * 1024, $"VmRSS grew from {baseline} KB to {peak} KB");
    }
}
