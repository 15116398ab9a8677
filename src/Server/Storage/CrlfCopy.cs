using System.Buffers;

namespace MailHost.Server.Storage;

/// <summary>
/// Copies a message into the store with every bare LF written as CRLF. IMAP serves messages with CRLF
/// line ends (RFC 9051 §2.3.4 counts RFC822.SIZE in them, as Dovecot serves them), so stored bytes, the
/// size in the index and every FETCH agree; bare-LF mail arrives by APPEND from Unix tools and by BDAT.
/// </summary>
public static class CrlfCopy
{
    private const int ChunkSize = 64 * 1024;

    public static async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var input = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var output = ArrayPool<byte>.Shared.Rent(ChunkSize * 2);
        try
        {
            // Whether the byte before the current chunk was CR, so a CRLF split across reads stays one line end.
            var previousCr = false;
            int read;
            while ((read = await source.ReadAsync(input.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                var n = 0;
                for (var i = 0; i < read; i++)
                {
                    var b = input[i];
                    if (b == '\n' && !previousCr)
                    {
                        output[n++] = (byte)'\r';
                    }
                    output[n++] = b;
                    previousCr = b == '\r';
                }
                await destination.WriteAsync(output.AsMemory(0, n), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}
