using System.Buffers;

namespace MailHost.Server.Smtp;

/// <summary>
/// Incremental DATA body parser (no I/O): feed it what has arrived, it writes the dot-unstuffed
/// message into an output buffer and says where the terminator ended, or that it needs more.
/// Only CRLF "." CRLF ends the data (RFC 5321 §4.1.1.4); a bare CR or LF anywhere is recorded so the
/// message can be refused after reading to the real end, which closes the SMTP-smuggling hole
/// (CVE-2023-51764 class) without ever splitting one transmission into two messages.
/// </summary>
public sealed class DataReceiver
{
    private enum State
    {
        LineStart,
        Middle,
        SawCr,
        LineStartDot,
        DotCr,
    }

    private State _state = State.LineStart;

    /// <summary>Set when a CR not followed by LF, or an LF not preceded by CR, was seen.</summary>
    public bool SawBareLineEnding { get; private set; }

    /// <summary>Bytes of message written to the output so far (after unstuffing).</summary>
    public long Length { get; private set; }

    /// <summary>
    /// Consumes bytes from <paramref name="input"/>. Returns true when the terminator was found;
    /// <paramref name="consumed"/> is then just after it. Otherwise everything was consumed.
    /// </summary>
    public bool Feed(ReadOnlySequence<byte> input, IBufferWriter<byte> output, out SequencePosition consumed)
    {
        ArgumentNullException.ThrowIfNull(output);
        var offset = 0L;
        foreach (var segment in input)
        {
            var span = segment.Span;
            for (var i = 0; i < span.Length; i++)
            {
                if (_state == State.Middle)
                {
                    // Mid-line every byte up to the next CR or LF is plain data: copy the run at once,
                    // so a multi-megabyte message is not stepped through byte by byte.
                    var run = span[i..].IndexOfAny((byte)'\r', (byte)'\n');
                    var length = run < 0 ? span.Length - i : run;
                    Write(output, span.Slice(i, length));
                    i += length;
                    if (i == span.Length)
                    {
                        break;
                    }
                }
                if (Step(span[i], output))
                {
                    consumed = input.GetPosition(offset + i + 1);
                    return true;
                }
            }
            offset += span.Length;
        }
        consumed = input.End;
        return false;
    }

    private bool Step(byte b, IBufferWriter<byte> output)
    {
        switch (_state)
        {
            case State.LineStart:
                if (b == (byte)'.')
                {
                    _state = State.LineStartDot;
                    return false;
                }
                return Plain(b, output);
            case State.Middle:
                return Plain(b, output);
            case State.SawCr:
                if (b == (byte)'\n')
                {
                    Write(output, (byte)'\r');
                    Write(output, (byte)'\n');
                    _state = State.LineStart;
                    return false;
                }
                SawBareLineEnding = true;
                Write(output, (byte)'\r');
                return Plain(b, output);
            case State.LineStartDot:
                if (b == (byte)'\r')
                {
                    _state = State.DotCr;
                    return false;
                }
                // RFC 5321 §4.5.2: a leading dot is removed (transparency); the rest of the line is data.
                return Plain(b, output);
            case State.DotCr:
                if (b == (byte)'\n')
                {
                    return true;
                }
                // ".\r" then something else: not the end; the CR is bare.
                SawBareLineEnding = true;
                Write(output, (byte)'\r');
                return Plain(b, output);
            default:
                return false;
        }
    }

    private bool Plain(byte b, IBufferWriter<byte> output)
    {
        if (b == (byte)'\r')
        {
            _state = State.SawCr;
            return false;
        }
        if (b == (byte)'\n')
        {
            // A bare LF never starts a new line for the terminator: "\n.\n" and "\n.\r\n" are data.
            SawBareLineEnding = true;
        }
        Write(output, b);
        _state = State.Middle;
        return false;
    }

    private void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> run)
    {
        output.Write(run);
        Length += run.Length;
    }

    private void Write(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
        Length++;
    }
}
