using System.Text;
using MailHost.Server.Protocol;
using MailHost.Server.Queue;

namespace MailHost.Server.Smtp;

/// <summary>
/// Writes one incoming message into a temporary file in the queue folder: the Received header,
/// then the body as it arrives. <see cref="CommitAsync"/> fsyncs and enqueues; only after it
/// returns may the session say 250 (durable acceptance). Over the size limit it keeps reading but
/// stops writing, so the client gets 552 at the end of the data and the session stays in step;
/// the same once the header section breaks the header limits (checked here, as the bytes arrive,
/// so DATA and BDAT share it and no MIME code ever reads such a message).
/// </summary>
internal sealed class MessageWriter : IAsyncDisposable
{
    private readonly MessageSpool _spool;
    private readonly long _maxSize;
    private readonly HeaderProbe _probe = new();
    private readonly HeaderLimitScanner _headerLimit;
    private string _path;
    private FileStream _file;
    private readonly long _headerBytes;
    private bool _done;

    public MessageWriter(MessageSpool spool, string id, string receivedHeader, long maxSize, HeaderLimitScanner headerLimit)
    {
        _spool = spool;
        _maxSize = maxSize;
        _headerLimit = headerLimit;
        Id = id;
        (_path, _file) = spool.CreateContentFile(id);
        var header = Encoding.UTF8.GetBytes(receivedHeader);
        _file.Write(header);
        _headerBytes = header.Length;
    }

    public string Id { get; }

    /// <summary>Message bytes received (without our Received header).</summary>
    public long Size { get; private set; }
    public bool TooBig { get; private set; }

    /// <summary>The header-limit check so far; refused means nothing more is written.</summary>
    public HeaderLimitScanner HeaderLimit => _headerLimit;
    /// <summary>Set when writing failed (a full disk): like <see cref="TooBig"/>, the data is still read to its end, then refused.</summary>
    public IOException? WriteError { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Size += data.Length;
        if (TooBig || Size > _maxSize)
        {
            TooBig = true;
            return;
        }
        if (_headerLimit.Refused || _headerLimit.Feed(data.Span) is HeaderVerdict.SectionTooLarge or HeaderVerdict.LineTooLong)
        {
            return;
        }
        _probe.Append(data.Span);
        if (WriteError is not null)
        {
            return;
        }
        try
        {
            await _file.WriteAsync(data, cancellationToken);
        }
        catch (IOException ex)
        {
            WriteError = ex;
        }
    }

    public string? MessageIdHeader => _probe.FindMessageId();

    /// <summary>The From: header values of the message, for the sender-login check.</summary>
    public IReadOnlyList<string> FromHeaders => _probe.FindAll("From");

    /// <summary>Adds a Message-ID after the Received header (authenticated submission only, RFC 6409 §8.3).</summary>
    public async Task<string> AddMessageIdAsync(string hostname, CancellationToken cancellationToken)
    {
        var messageId = $"<{Id}@{hostname}>";
        var (path, file) = _spool.CreateContentFile(Id + "-m");
        await using (file)
        {
            _file.Position = 0;
            var head = new byte[_headerBytes];
            await _file.ReadExactlyAsync(head, cancellationToken);
            await file.WriteAsync(head, cancellationToken);
            await file.WriteAsync(Encoding.ASCII.GetBytes($"Message-ID: {messageId}\r\n"), cancellationToken);
            await _file.CopyToAsync(file, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }
        await _file.DisposeAsync();
        File.Delete(_path);
        _path = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.Asynchronous);
        _file.Seek(0, SeekOrigin.End);
        return messageId;
    }

    /// <summary>Lets <paramref name="read"/> read the content so far (our Received header first), e.g. for the sender-authentication checks.</summary>
    public async Task<T> ReadContentAsync<T>(Func<Stream, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        await _file.FlushAsync(cancellationToken);
        _file.Position = 0;
        try
        {
            return await read(_file);
        }
        finally
        {
            _file.Seek(0, SeekOrigin.End);
        }
    }

    /// <summary>Replaces the content with what <paramref name="copy"/> writes from the old content (adds and removes header fields).</summary>
    public async Task RewriteAsync(Func<Stream, Stream, CancellationToken, Task> copy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copy);
        await _file.FlushAsync(cancellationToken);
        var (path, file) = _spool.CreateContentFile(Id + "-a");
        await using (file)
        {
            _file.Position = 0;
            await copy(_file, file, cancellationToken);
            await file.FlushAsync(cancellationToken);
        }
        await _file.DisposeAsync();
        File.Delete(_path);
        _path = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.Asynchronous);
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>Closes the file and enqueues the message with its envelope; returns once both are on stable storage.</summary>
    public async Task CommitAsync(QueuedMessage envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        await _file.FlushAsync(cancellationToken);
        // RFC 5321 §6.1: once 250 is sent the message must survive a crash. The spool's group commit
        // fdatasyncs this file with the others of its batch, so no fsync here.
        envelope.Size = _file.Length;
        await _file.DisposeAsync();
        await _spool.EnqueueAsync(envelope, _path, cancellationToken);
        _done = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _file.DisposeAsync();
        }
        catch (IOException)
        {
            // Flushing the buffer of a refused message onto a full disk: the file is deleted next anyway.
        }
        if (!_done)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
            }
        }
    }
}
