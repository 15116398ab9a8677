using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace MailHost.Server.IntegrationTests.Smtp;

/// <summary>How a transcript's client side is sent.</summary>
public enum TranscriptMode
{
    /// <summary>Every client line at once (pipelined to the extreme), then every reply is read.</summary>
    Whole,

    /// <summary>One byte per write, reading each expected reply where the transcript has it.</summary>
    ByteByByte,
}

/// <summary>
/// Replays a C:/S: transcript over a real socket. "C: text" sends text + CRLF; "C~ text" sends text
/// with \r \n \\ escapes and nothing appended; "S: pattern" matches the last line of the next reply
/// (* is a wildcard); "@source 127.0.0.2" and "@listener name" set up the connection; # is a comment.
/// </summary>
public static class TranscriptRunner
{
    private abstract record Step;
    private sealed record Send(byte[] Bytes) : Step;
    private sealed record Expect(string Pattern, int Line) : Step;

    public static async Task RunAsync(string path, Func<string, int> portOf, TranscriptMode mode)
    {
        var source = IPAddress.Loopback;
        var listener = "smtp";
        var steps = new List<Step>();
        var lineNumber = 0;
        foreach (var raw in await File.ReadAllLinesAsync(path))
        {
            lineNumber++;
            if (raw.StartsWith('#') || raw.Trim().Length == 0)
            {
                continue;
            }
            if (raw.StartsWith("@source ", StringComparison.Ordinal))
            {
                source = IPAddress.Parse(raw[8..].Trim());
            }
            else if (raw.StartsWith("@listener ", StringComparison.Ordinal))
            {
                listener = raw[10..].Trim();
            }
            else if (raw.StartsWith("C:", StringComparison.Ordinal))
            {
                steps.Add(new Send(Encoding.UTF8.GetBytes(raw[2..].TrimStart(' ') + "\r\n")));
            }
            else if (raw.StartsWith("C~ ", StringComparison.Ordinal))
            {
                steps.Add(new Send(Encoding.UTF8.GetBytes(Regex.Unescape(raw[3..]))));
            }
            else if (raw.StartsWith("S: ", StringComparison.Ordinal))
            {
                steps.Add(new Expect(raw[3..], lineNumber));
            }
            else
            {
                throw new FormatException($"{path}:{lineNumber}: cannot read '{raw}'");
            }
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, portOf(listener)), cts.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new ReplyReader(stream);

        if (mode == TranscriptMode.Whole)
        {
            var all = steps.OfType<Send>().SelectMany(s => s.Bytes).ToArray();
            // The greeting first: a client may not talk before it (RFC 5321 §3.1), and we check it separately.
            var first = (Expect)steps[0];
            Match(path, first, await reader.ReadReplyAsync(cts.Token));
            await stream.WriteAsync(all, cts.Token);
            foreach (var expect in steps.Skip(1).OfType<Expect>())
            {
                Match(path, expect, await reader.ReadReplyAsync(cts.Token));
            }
            return;
        }
        foreach (var step in steps)
        {
            switch (step)
            {
                case Send send:
                    foreach (var b in send.Bytes)
                    {
                        await stream.WriteAsync(new[] { b }, cts.Token);
                    }
                    break;
                case Expect expect:
                    Match(path, expect, await reader.ReadReplyAsync(cts.Token));
                    break;
            }
        }
    }

    private static void Match(string path, Expect expect, List<string> reply)
    {
        var regex = "^" + Regex.Escape(expect.Pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        Assert.True(reply.Count > 0 && Regex.IsMatch(reply[^1], regex),
            $"{Path.GetFileName(path)}:{expect.Line}: expected '{expect.Pattern}', got '{string.Join(" | ", reply)}'");
    }

    private sealed class ReplyReader(Stream stream)
    {
        private readonly List<byte> _buffer = [];

        public async Task<List<string>> ReadReplyAsync(CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            var chunk = new byte[4096];
            while (true)
            {
                var nl = _buffer.IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    var line = Encoding.UTF8.GetString([.. _buffer.GetRange(0, nl)]).TrimEnd('\r');
                    _buffer.RemoveRange(0, nl + 1);
                    lines.Add(line);
                    if (line.Length < 4 || line[3] != '-')
                    {
                        return lines;
                    }
                    continue;
                }
                var n = await stream.ReadAsync(chunk, cancellationToken);
                if (n == 0)
                {
                    lines.Add("<connection closed>");
                    return lines;
                }
                _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
            }
        }
    }
}
