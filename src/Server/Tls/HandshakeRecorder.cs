namespace MailHost.Server.Tls;

/// <summary>
/// A pass-through stream that keeps a copy of the first bytes the client sends (at most 4 KB, the
/// ClientHello), so a failed handshake can still be logged with what the client offered.
/// </summary>
internal sealed class HandshakeRecorder(Stream inner) : Stream
{
    private const int Limit = 4096;
    private readonly byte[] _buffer = new byte[Limit];
    private int _length;
    private bool _recording = true;

    public ReadOnlySpan<byte> Recorded => _buffer.AsSpan(0, _length);

    /// <summary>After a successful handshake nothing more is copied.</summary>
    public void Stop() => _recording = false;

    private void Record(ReadOnlySpan<byte> data)
    {
        if (_recording && _length < Limit)
        {
            var n = Math.Min(data.Length, Limit - _length);
            data[..n].CopyTo(_buffer.AsSpan(_length));
            _length += n;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Record(buffer.Span[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Record(buffer.AsSpan(offset, n));
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
