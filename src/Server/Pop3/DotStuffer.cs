using System.Buffers;

namespace MailHost.Server.Pop3;

/// <summary>
/// RFC 1939 §3 multi-line bodies: lines starting with "." get another, CRLF line ends, TOP's line cut.
/// Works on the fly over bounded buffers, so RETR of a large message never holds it in memory.
/// </summary>
public sealed class DotStuffer(int bodyLines = -1)
{
    private const int ChunkSize = 64 * 1024;
    private bool _atLineStart = true;
    private bool _lineHasContent;
    private int _pendingCr;
    private bool _inBody;
    private int _taken;
    private bool _stopped;

    /// <summary>The message with dot-stuffing; with <paramref name="bodyLines"/> ≥ 0 only the header and that many body lines (TOP).</summary>
    public static byte[] Stuff(ReadOnlySpan<byte> message, int bodyLines = -1)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + message.Length / 50 + 4);
        var stuffer = new DotStuffer(bodyLines);
        stuffer.Process(message, output);
        stuffer.Complete(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> dot-stuffed, 64 KB at a time.</summary>
    public static async Task StreamAsync(Stream source, Stream destination, int bodyLines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var stuffer = new DotStuffer(bodyLines);
        var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
        // Worst case every byte is a "." at a line start or a bare LF: twice the input, plus a line end.
        var output = new ArrayBufferWriter<byte>(2 * ChunkSize + 4);
        try
        {
            int read;
            while (!stuffer._stopped && (read = await source.ReadAsync(input.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                stuffer.Process(input.AsSpan(0, read), output);
                await destination.WriteAsync(output.WrittenMemory, cancellationToken);
                output.ResetWrittenCount();
            }
            stuffer.Complete(output);
            await destination.WriteAsync(output.WrittenMemory, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>Feeds the next bytes of the message.</summary>
    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var b in input)
        {
            if (_stopped)
            {
                return;
            }
            if (_atLineStart)
            {
                // TOP: stop before the first body line beyond the requested count.
                if (_inBody && bodyLines >= 0 && _taken++ >= bodyLines)
                {
                    _stopped = true;
                    return;
                }
                _atLineStart = false;
                _lineHasContent = false;
                if (b == '.')
                {
                    Put(output, (byte)'.');
                }
            }
            switch (b)
            {
                case (byte)'\n':
                    // Trailing CRs belong to the line end; every line goes out with CRLF.
                    _pendingCr = 0;
                    Put(output, (byte)'\r');
                    Put(output, (byte)'\n');
                    if (!_inBody && !_lineHasContent)
                    {
                        _inBody = true;
                    }
                    _atLineStart = true;
                    break;
                case (byte)'\r':
                    _pendingCr++;
                    break;
                default:
                    for (; _pendingCr > 0; _pendingCr--)
                    {
                        Put(output, (byte)'\r');
                    }
                    Put(output, b);
                    _lineHasContent = true;
                    break;
            }
        }
    }

    /// <summary>Ends a last line that had no line break.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_stopped && !_atLineStart)
        {
            Put(output, (byte)'\r');
            Put(output, (byte)'\n');
            _atLineStart = true;
        }
        _pendingCr = 0;
    }

    private static void Put(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
