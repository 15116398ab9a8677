using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using MailHost.Server.IntegrationTests.Imap.Conformance;

namespace MailHost.Server.IntegrationTests.Imap.Notify;

/// <summary>
/// RFC 5465 §5.8 and §9: a NOTIFY client that stops reading. The server must neither buffer what it
/// cannot send nor block the session making the changes; it reports NOTIFICATIONOVERFLOW and stops.
/// </summary>
[Collection("imap-conformance")]
public sealed class NotifyOverflowTests(ConformanceFixture fixture)
{
    private const int Messages = 40;
    private const int MessageBytes = 1024 * 1024;

    [Fact]
    public async Task Notify_ClientThatNeverReads_OverflowThenNone_ServerMemoryBounded()
    {
        var user = fixture.NewAccount();
        using var tcp = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Port("imaps"));
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mx.test.local" });
        var a = new RawLines(ssl);
        await a.ReadAsync();
        await a.CommandAsync("l", $"LOGIN {user} pw");
        await a.CommandAsync("n", "NOTIFY SET (selected (MessageNew (BODY.PEEK[]) MessageExpunge)) (personal (MessageNew MessageExpunge MailboxName))");
        await a.CommandAsync("s", "SELECT INBOX");

        // A reads nothing from here on, with a 4 KB receive window: the server's sends block after a few MB.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var b = await fixture.OpenAsync(user);
        var body = new string('x', 998) + "\r\n";
        var message = "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(body, MessageBytes / body.Length));
        for (var i = 0; i < Messages; i++)
        {
            Assert.StartsWith("b OK", (await b.CommandAsync("b", NotifyScript.Append("INBOX", message)))[^1]);
        }
        // More name changes than a session's queue holds (256) while its socket is full.
        for (var i = 0; i < 300; i++)
        {
            Assert.StartsWith("c OK", (await b.CommandAsync("c", $"CREATE Box{i}"))[^1]);
        }
        var during = GC.GetTotalMemory(forceFullCollection: true);
        // 40 MB of notifications are pending for A; what the server holds for it must stay far below that.
        Assert.True(during - before < 24L * 1024 * 1024, $"managed heap grew by {(during - before) / 1024 / 1024} MB while the client did not read");

        // A reads again: the backlog, then the overflow, and NOTIFY is off (§5.8: as after NOTIFY NONE).
        var lines = 0;
        while (true)
        {
            var line = await a.ReadAsync();
            lines++;
            if (line.StartsWith("* OK [NOTIFICATIONOVERFLOW]", StringComparison.Ordinal))
            {
                break;
            }
        }
        Assert.True(lines > Messages, $"{lines} lines before the overflow");
        await a.CommandAsync("z", "NOOP");
        Assert.StartsWith("c OK", (await b.CommandAsync("c", "CREATE After"))[^1]);
        var noop = await a.CommandAsync("y", "NOOP");
        Assert.DoesNotContain(noop, l => l.StartsWith("* LIST", StringComparison.Ordinal));
        Assert.Equal("y OK NOOP completed", noop[^1]);
    }

    /// <summary>Lines from a stream with a fixed buffer (literals pass as lines too), each read with a timeout.</summary>
    private sealed class RawLines(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly StringBuilder _line = new();
        private int _start;
        private int _end;

        public async Task<string> ReadAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            _line.Clear();
            while (true)
            {
                for (; _start < _end; _start++)
                {
                    var c = (char)_buffer[_start];
                    if (c == '\n')
                    {
                        _start++;
                        return _line.ToString().TrimEnd('\r');
                    }
                    if (_line.Length < 4096)
                    {
                        _line.Append(c);
                    }
                }
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cts.Token);
                if (_end == 0)
                {
                    throw new IOException("closed");
                }
            }
        }

        public async Task<List<string>> CommandAsync(string tag, string command)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} {command}\r\n"));
            await stream.FlushAsync();
            var lines = new List<string>();
            while (true)
            {
                var line = await ReadAsync();
                lines.Add(line);
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    Assert.StartsWith(tag + " OK", line);
                    return lines;
                }
            }
        }
    }
}
