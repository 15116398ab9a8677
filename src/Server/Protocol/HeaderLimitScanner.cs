namespace MailHost.Server.Protocol;

public enum HeaderVerdict
{
    /// <summary>Still inside the header section and within the limits.</summary>
    NeedMore,

    /// <summary>The header section ended (empty line, or end of message) within the limits.</summary>
    Passed,

    SectionTooLarge,
    LineTooLong,
}

/// <summary>
/// Checks a message's header section against the size and line-length limits while its bytes
/// stream in (SMTP DATA/BDAT, IMAP APPEND), so a refusal is decided after at most the limit's
/// worth of bytes and nothing is buffered. It runs before any MIME parser sees untrusted mail:
/// parsing one huge header field costs time quadratic in its size. Lines end at LF (CRLF or a
/// bare LF: APPEND may carry either); the CR of a CRLF is not counted in a line's length.
/// </summary>
public sealed class HeaderLimitScanner(int maxHeaderBytes, int maxLineLength)
{
    private long _headerBytes;
    private long _lineLength;
    private bool _lastWasCr;

    public HeaderVerdict Verdict { get; private set; }

    public bool Refused => Verdict is HeaderVerdict.SectionTooLarge or HeaderVerdict.LineTooLong;

    /// <summary>A scanner with the limits of the current settings.</summary>
    public static HeaderLimitScanner For(ServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new(server.MaxHeaderBytes, server.MaxHeaderLineLength);
    }

    /// <summary>Feeds the next bytes of the message; bytes after a verdict are ignored.</summary>
    public HeaderVerdict Feed(ReadOnlySpan<byte> data)
    {
        while (Verdict == HeaderVerdict.NeedMore && data.Length > 0)
        {
            var lf = data.IndexOf((byte)'\n');
            var part = lf < 0 ? data : data[..lf];
            if (part.Length > 0)
            {
                _lineLength += part.Length;
                _lastWasCr = part[^1] == (byte)'\r';
            }
            var content = _lineLength - (_lastWasCr ? 1 : 0);
            if (lf < 0)
            {
                _headerBytes += part.Length;
                Verdict = Judge(content);
                return Verdict;
            }
            if (content == 0)
            {
                // RFC 5322 §2.1: the first empty line ends the header section.
                Verdict = HeaderVerdict.Passed;
                return Verdict;
            }
            _headerBytes += part.Length + 1;
            Verdict = Judge(content);
            _lineLength = 0;
            _lastWasCr = false;
            data = data[(lf + 1)..];
        }
        return Verdict;
    }

    /// <summary>The end of the message: a message that is all header (no empty line) passes if it got this far.</summary>
    public HeaderVerdict Complete()
    {
        if (Verdict == HeaderVerdict.NeedMore)
        {
            Verdict = HeaderVerdict.Passed;
        }
        return Verdict;
    }

    /// <summary>Feeds a whole message and completes it.</summary>
    public HeaderVerdict Check(ReadOnlySpan<byte> message)
    {
        Feed(message);
        return Complete();
    }

    /// <summary>
    /// Checks the start of a seekable message stream (an APPEND literal, possibly spooled to disk),
    /// reading only until the verdict, then puts the stream back where it was.
    /// </summary>
    public async Task<HeaderVerdict> CheckAsync(Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var start = message.Position;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while (Verdict == HeaderVerdict.NeedMore && (read = await message.ReadAsync(buffer, cancellationToken)) > 0)
            {
                Feed(buffer.AsSpan(0, read));
            }
            return Complete();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            message.Position = start;
        }
    }

    /// <summary>The refusal in words, for the SMTP reply and the IMAP NO; null when not refused.</summary>
    public string? RefusalText => Verdict switch
    {
        HeaderVerdict.SectionTooLarge => $"Message header section exceeds the limit of {Kilobytes(maxHeaderBytes)}",
        HeaderVerdict.LineTooLong => $"Message header line exceeds the limit of {maxLineLength.ToString(CultureInfo.InvariantCulture)} bytes",
        _ => null,
    };

    private HeaderVerdict Judge(long lineContent) =>
        lineContent > maxLineLength ? HeaderVerdict.LineTooLong
        : _headerBytes > maxHeaderBytes ? HeaderVerdict.SectionTooLarge
        : HeaderVerdict.NeedMore;

    private static string Kilobytes(int bytes) =>
        bytes % 1024 == 0 ? $"{(bytes / 1024).ToString(CultureInfo.InvariantCulture)} KB" : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";
}
