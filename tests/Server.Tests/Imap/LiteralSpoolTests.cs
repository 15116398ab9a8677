using System.IO.Pipelines;
using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Protocol;

namespace MailHost.Server.Tests.Imap;

/// <summary>After authentication a large APPEND literal goes to a temporary file, not into the command's bytes.</summary>
public sealed class LiteralSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailhost-spool-test-" + Guid.NewGuid().ToString("N"));

    private async Task<(ImapCommandReader Reader, byte[] Command)> ReadAsync(string prefix, byte[] literal, string suffix)
    {
        // The whole input is written before anything reads it: no back-pressure, or the writer waits forever.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes($"{prefix}{{{literal.Length}+}}\r\n"));
        await pipe.Writer.WriteAsync(literal);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(suffix + "\r\n"));
        await pipe.Writer.CompleteAsync();
        var reader = new ImapCommandReader(new LineReader(pipe.Reader, 1000), (_, _) => Task.CompletedTask, 10_000_000, 10_001_000, spoolDirectory: _dir);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (status, command) = await reader.ReadAsync(cts.Token);
        Assert.Equal(CommandReadStatus.Command, status);
        return (reader, command);
    }

    [Fact]
    public async Task Append_2MbLiteral_SpooledToFileNotMemory_ReadBackAndDeleted()
    {
        var literal = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(literal);
        var (reader, command) = await ReadAsync("a APPEND INBOX ", literal, "");
        Assert.True(command.Length < 100, $"command holds {command.Length} bytes");
        var spooled = Assert.Single(reader.Spooled);
        Assert.Equal(literal.Length, spooled.Length);
        var r = new ImapReader(command, reader.Spooled);
        r.Tag();
        r.Space();
        r.Atom();
        r.Space();
        r.AString();
        r.Space();
        await using (var stream = r.MessageLiteral())
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(literal, copy.ToArray());
        }
        r.End();
        reader.ReleaseSpooled();
        Assert.Empty(Directory.EnumerateFiles(_dir));
    }

    [Fact]
    public async Task Login_SpooledLiteralAsString_ParseError()
    {
        var (reader, command) = await ReadAsync("a LOGIN ", new byte[ImapCommandReader.SpoolAbove + 1], " pw");
        var r = new ImapReader(command, reader.Spooled);
        r.Tag();
        r.Space();
        r.Atom();
        r.Space();
        Assert.Throws<ImapParseException>(() => r.AString());
        reader.ReleaseSpooled();
    }

    [Fact]
    public async Task Append_SmallLiteral_StaysInMemory()
    {
        var (reader, command) = await ReadAsync("a APPEND INBOX ", "Subject: x\r\n\r\nhi\r\n"u8.ToArray(), "");
        Assert.Empty(reader.Spooled);
        var r = new ImapReader(command, reader.Spooled);
        r.Tag();
        r.Space();
        r.Atom();
        r.Space();
        r.AString();
        r.Space();
        await using var stream = r.MessageLiteral();
        Assert.Equal(18, stream.Length);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
