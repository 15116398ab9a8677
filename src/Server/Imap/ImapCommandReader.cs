using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using MailHost.Server.Protocol;

namespace MailHost.Server.Imap;

public enum CommandReadStatus
{
    Command,
    TooLong,
    LiteralTooLarge,
    /// <summary>A non-synchronising literal over the limit, left unread: the client is sending it, so the session must close.</summary>
    LiteralTooLargeUnread,
    Closed,
}

/// <summary>
/// Assembles one IMAP command from the connection: its lines and, for each line ending in a
/// literal announcement ("{n}" / "{n+}"), the continuation request (synchronising literals only)
/// and the n raw bytes. Enforces the line-length and literal-size limits. With
/// <paramref name="skipRefusedLiterals"/> false (before authentication) a refused non-synchronising
/// literal is not read at all: nobody may make the server read megabytes before logging in. With a
/// <paramref name="spoolDirectory"/> (after authentication) literals over <see cref="SpoolAbove"/>
/// go to a temporary file there, not to memory (<see cref="Spooled"/>), so an APPEND's memory does
/// not grow with the message.
/// </summary>
public sealed partial class ImapCommandReader(LineReader lines, Func<string, CancellationToken, Task> sendContinuation, int maxLiteral, int maxCommand, bool skipRefusedLiterals = true, string? spoolDirectory = null)
{
    public const int SpoolAbove = 64 * 1024;

    private readonly List<SpooledLiteral> _spooled = [];

    /// <summary>The spooled literals of the command last read; valid until the next read or <see cref="ReleaseSpooled"/>.</summary>
    public IReadOnlyList<SpooledLiteral> Spooled => _spooled;

    public void ReleaseSpooled()
    {
        foreach (var literal in _spooled)
        {
            literal.Dispose();
        }
        _spooled.Clear();
    }

    [GeneratedRegex(@"~?\{(\d{1,10})([+-]?)\}$")]
    private static partial Regex LiteralAnnouncement();

    public LineReader Lines => lines;

    public async Task<(CommandReadStatus Status, byte[] Command)> ReadAsync(CancellationToken cancellationToken)
    {
        ReleaseSpooled();
        var command = new ArrayBufferWriter<byte>();
        long spooledBytes = 0;
        while (true)
        {
            var (status, line) = await lines.ReadLineAsync(cancellationToken);
            if (status == LineStatus.Closed)
            {
                return (CommandReadStatus.Closed, []);
            }
            if (status == LineStatus.TooLong)
            {
                return (CommandReadStatus.TooLong, command.WrittenSpan.ToArray());
            }
            command.Write(Encoding.UTF8.GetBytes(line));
            if (command.WrittenCount > maxCommand)
            {
                return (CommandReadStatus.TooLong, command.WrittenSpan.ToArray());
            }
            var match = LiteralAnnouncement().Match(line);
            if (!match.Success)
            {
                return (CommandReadStatus.Command, command.WrittenSpan.ToArray());
            }
            var length = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var nonSync = match.Groups[2].Value == "+";
            // Per literal and for the command as a whole (several literals in one command).
            if (length > maxLiteral || command.WrittenCount + spooledBytes + length > maxCommand)
            {
                if (nonSync)
                {
                    if (!skipRefusedLiterals)
                    {
                        return (CommandReadStatus.LiteralTooLargeUnread, command.WrittenSpan.ToArray());
                    }
                    // The client sends the bytes anyway: swallow them so the next command parses.
                    await SkipAsync(length, cancellationToken);
                }
                return (CommandReadStatus.LiteralTooLarge, command.WrittenSpan.ToArray());
            }
            command.Write("\r\n"u8);
            if (!nonSync)
            {
                await sendContinuation("+ Ready for literal data\r\n", cancellationToken);
            }
            if (spoolDirectory is not null && length > SpoolAbove)
            {
                var file = CreateSpoolFile(spoolDirectory);
                _spooled.Add(new SpooledLiteral(command.WrittenCount, length, file));
                spooledBytes += length;
                bool complete;
                try
                {
                    complete = await CopyExactAsync(file, length, cancellationToken);
                }
                catch
                {
                    // Connection reset, cancellation or a full disk mid-literal: the files must not outlive the read.
                    ReleaseSpooled();
                    throw;
                }
                if (!complete)
                {
                    ReleaseSpooled();
                    return (CommandReadStatus.Closed, []);
                }
                continue;
            }
            if (!await ReadExactAsync(command, (int)length, cancellationToken))
            {
                return (CommandReadStatus.Closed, []);
            }
        }
    }

    private async Task<bool> ReadExactAsync(ArrayBufferWriter<byte> target, int length, CancellationToken cancellationToken)
    {
        var reader = lines.Reader;
        while (length > 0)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var take = (int)Math.Min(buffer.Length, length);
            var slice = buffer.Slice(0, take);
            foreach (var segment in slice)
            {
                target.Write(segment.Span);
            }
            reader.AdvanceTo(slice.End);
            length -= take;
            if (length > 0 && (result.IsCompleted || result.IsCanceled))
            {
                return false;
            }
        }
        return true;
    }

    private static FileStream CreateSpoolFile(string directory)
    {
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FileStream(Path.Combine(directory, Guid.NewGuid().ToString("N") + ".literal"), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Options = FileOptions.Asynchronous | FileOptions.DeleteOnClose,
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
    }

    /// <summary>Moves <paramref name="length"/> bytes from the connection to <paramref name="file"/>, segment by segment.</summary>
    private async Task<bool> CopyExactAsync(FileStream file, long length, CancellationToken cancellationToken)
    {
        var reader = lines.Reader;
        while (length > 0)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var slice = result.Buffer.Slice(0, Math.Min(result.Buffer.Length, length));
            foreach (var segment in slice)
            {
                await file.WriteAsync(segment, cancellationToken);
            }
            reader.AdvanceTo(slice.End);
            length -= slice.Length;
            if (length > 0 && (result.IsCompleted || result.IsCanceled))
            {
                return false;
            }
        }
        await file.FlushAsync(cancellationToken);
        file.Position = 0;
        return true;
    }

    private async Task SkipAsync(long length, CancellationToken cancellationToken)
    {
        var reader = lines.Reader;
        while (length > 0)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var take = Math.Min(result.Buffer.Length, length);
            reader.AdvanceTo(result.Buffer.GetPosition(take));
            length -= take;
            if (length > 0 && (result.IsCompleted || result.IsCanceled))
            {
                return;
            }
        }
    }
}
