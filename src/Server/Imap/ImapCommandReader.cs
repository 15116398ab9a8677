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
/// literal is not read at all: nobody may make the server read megabytes before logging in.
/// </summary>
public sealed partial class ImapCommandReader(LineReader lines, Func<string, CancellationToken, Task> sendContinuation, int maxLiteral, int maxCommand, bool skipRefusedLiterals = true)
{
    [GeneratedRegex(@"~?\{(\d{1,10})([+-]?)\}$")]
    private static partial Regex LiteralAnnouncement();

    public LineReader Lines => lines;

    public async Task<(CommandReadStatus Status, byte[] Command)> ReadAsync(CancellationToken cancellationToken)
    {
        var command = new ArrayBufferWriter<byte>();
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
            if (length > maxLiteral || command.WrittenCount + length > maxCommand)
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
