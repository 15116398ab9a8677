using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace MailHost.Server.Protocol;

/// <summary>Outcome of reading one protocol line.</summary>
public enum LineStatus
{
    Line,
    TooLong,
    Closed,
}

/// <summary>
/// Reads CRLF-terminated lines from a pipe with a length limit. A line over the limit is consumed up
/// to its end and reported as <see cref="LineStatus.TooLong"/> so the session can answer and go on.
/// Bare LF also ends a command line (RFC 5321 §2.3.8 allows servers to be lenient for commands,
/// never for DATA, which has its own reader).
/// </summary>
public sealed class LineReader(PipeReader reader, int maxLineLength)
{
    public PipeReader Reader => reader;

    /// <summary>True when bytes the client sent are buffered but not yet consumed (pipelining, or STARTTLS injection).</summary>
    public bool HasBufferedData { get; private set; }

    public async ValueTask<(LineStatus Status, string Line)> ReadLineAsync(CancellationToken cancellationToken)
    {
        var discarding = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var position = buffer.PositionOf((byte)'\n');
            if (position is not null)
            {
                var lineEnd = buffer.GetPosition(1, position.Value);
                var line = buffer.Slice(0, position.Value);
                var status = discarding || line.Length > maxLineLength ? LineStatus.TooLong : LineStatus.Line;
                var text = status == LineStatus.Line ? Decode(line) : "";
                var rest = buffer.Slice(lineEnd);
                HasBufferedData = !rest.IsEmpty;
                reader.AdvanceTo(lineEnd);
                return (status, text);
            }
            if (buffer.Length > maxLineLength)
            {
                discarding = true;
                reader.AdvanceTo(buffer.End);
            }
            else
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                return (LineStatus.Closed, "");
            }
        }
    }

    private static string Decode(ReadOnlySequence<byte> line)
    {
        if (!line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == '\r')
        {
            line = line.Slice(0, line.Length - 1);
        }
        // UTF-8 for SMTPUTF8 / IMAP UTF8=ACCEPT; invalid bytes become U+FFFD and fail the parsers cleanly.
        return Encoding.UTF8.GetString(in line);
    }
}
