using System.Buffers;
using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>
/// One message being answered by FETCH, held by an open file handle: another session may expunge
/// it meanwhile, and on Unix the unlinked file stays readable through the handle, so the answer is
/// the real bytes, never an empty literal. Whole-message literals are copied from the file in
/// bounded chunks; the content is read into memory (once per message) only when an item needs the
/// MIME structure.
/// </summary>
internal sealed class FetchedMessage : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly FileStream _file;
    private byte[]? _content;
    private MimeEntity? _parsed;

    private FetchedMessage(FileStream file) => _file = file;

    public long Length => _file.Length;

    /// <summary>The message's bytes (read on first use).</summary>
    public byte[] Content => _content ?? throw new InvalidOperationException("LoadAsync first");

    public MimeEntity Parsed => _parsed ??= MimeParser.Parse(Content);

    /// <summary>Opens the message file; null when it is gone (expunged by another session since this one looked).</summary>
    public static FetchedMessage? TryOpen(string path)
    {
        try
        {
            return new FetchedMessage(new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            }));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_content is not null)
        {
            return;
        }
        var content = new byte[_file.Length];
        _file.Position = 0;
        await _file.ReadExactlyAsync(content, cancellationToken);
        _content = content;
    }

    /// <summary>The first <paramref name="length"/> bytes (the header, whose length the cache knows): never the whole file.</summary>
    public async Task<byte[]> ReadPrefixAsync(long length, CancellationToken cancellationToken)
    {
        var prefix = new byte[Math.Min(length, _file.Length)];
        _file.Position = 0;
        await _file.ReadExactlyAsync(prefix, cancellationToken);
        return prefix;
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="start"/> to the client through one pooled buffer.</summary>
    public async Task CopyToAsync(Stream destination, long start, long length, CancellationToken cancellationToken)
    {
        if (_content is not null)
        {
            await destination.WriteAsync(_content.AsMemory((int)start, (int)length), cancellationToken);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            _file.Position = start;
            while (length > 0)
            {
                var read = await _file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(ChunkSize, length)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("message file shorter than its length");
                }
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
