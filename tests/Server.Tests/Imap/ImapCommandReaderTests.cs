using System.IO.Pipelines;
using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Protocol;

namespace MailHost.Server.Tests.Imap;

public sealed class ImapCommandReaderTests
{
    private static async Task<(List<(CommandReadStatus, string)> Commands, List<string> Continuations)> ReadAllAsync(string input, int maxLiteral = 100, int chunk = int.MaxValue)
    {
        var pipe = new Pipe();
        var bytes = Encoding.UTF8.GetBytes(input);
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
        }
        await pipe.Writer.CompleteAsync();
        var continuations = new List<string>();
        var reader = new ImapCommandReader(new LineReader(pipe.Reader, 200), (text, _) =>
        {
            continuations.Add(text);
            return Task.CompletedTask;
        }, maxLiteral, maxLiteral + 200);
        var commands = new List<(CommandReadStatus, string)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var (status, command) = await reader.ReadAsync(cts.Token);
            if (status == CommandReadStatus.Closed)
            {
                return (commands, continuations);
            }
            commands.Add((status, Encoding.UTF8.GetString(command)));
        }
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task Read_SynchronisingLiteral_ContinuationSentAndBytesInline(int chunk)
    {
        var (commands, continuations) = await ReadAllAsync("a LOGIN {5}\r\nalice {2}\r\npw\r\nb NOOP\r\n", chunk: chunk);
        Assert.Equal([(CommandReadStatus.Command, "a LOGIN {5}\r\nalice {2}\r\npw"), (CommandReadStatus.Command, "b NOOP")], commands);
        Assert.Equal(2, continuations.Count);
    }

    [Fact]
    public async Task Read_NonSynchronisingLiteral_NoContinuation()
    {
        var (commands, continuations) = await ReadAllAsync("a APPEND INBOX {3+}\r\nx\r\n\r\n");
        Assert.Equal("a APPEND INBOX {3+}\r\nx\r\n", commands.Single().Item2);
        Assert.Empty(continuations);
    }

    [Fact]
    public async Task Read_NonSynchronisingLiteralTooLarge_SkippedAndNextCommandParsed()
    {
        var big = new string('x', 150);
        var (commands, _) = await ReadAllAsync($"a APPEND INBOX {{150+}}\r\n{big}\r\nb NOOP\r\n");
        Assert.Equal(CommandReadStatus.LiteralTooLarge, commands[0].Item1);
        Assert.Contains((CommandReadStatus.Command, "b NOOP"), commands);
    }

    [Fact]
    public async Task Read_SynchronisingLiteralTooLarge_RefusedWithoutContinuation()
    {
        var (commands, continuations) = await ReadAllAsync("a APPEND INBOX {150}\r\nb NOOP\r\n");
        Assert.Equal(CommandReadStatus.LiteralTooLarge, commands[0].Item1);
        Assert.Empty(continuations);
        Assert.Equal((CommandReadStatus.Command, "b NOOP"), commands[1]);
    }

    [Fact]
    public async Task Read_LineOverLimit_TooLong()
    {
        var (commands, _) = await ReadAllAsync("a " + new string('x', 300) + "\r\nb NOOP\r\n");
        Assert.Equal(CommandReadStatus.TooLong, commands[0].Item1);
        Assert.Equal((CommandReadStatus.Command, "b NOOP"), commands[1]);
    }
}
