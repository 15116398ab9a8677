using System.IO.Compression;

namespace MailHost.Server.Protocol;

/// <summary>
/// COMPRESS=DEFLATE (RFC 4978 §4): raw deflate (no zlib or gzip header) in both directions over
/// the connection's stream. Every Flush ends with a sync flush, so each response reaches the client
/// whole; reads inflate what has arrived. Limits stay where they were: the line and literal
/// readers count inflated bytes, so a small compressed command that inflates hugely is refused
/// like the same command sent uncompressed.
/// </summary>
public sealed class DeflateDuplexStream(Stream inner) : Stream
{
    private readonly DeflateStream _inflate = new(inner, CompressionMode.Decompress, leaveOpen: true);
    private readonly DeflateStream _deflate = new(inner, CompressionLevel.Fastest, leaveOpen: true);

    /// <summary>The stream under the compression (TLS or the socket).</summary>
    public Stream Inner => inner;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _inflate.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inflate.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inflate.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _deflate.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _deflate.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush()
    {
        _deflate.Flush();
        inner.Flush();
    }

    /// <summary>DeflateStream's flush is a zlib sync flush: everything written so far becomes decodable by the peer.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _deflate.FlushAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                _deflate.Dispose();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                // The peer may be gone: the final deflate block cannot be sent.
            }
            _inflate.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _deflate.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            // As in Dispose.
        }
        await _inflate.DisposeAsync();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
