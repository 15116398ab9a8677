using System.Text.Json;
using System.Threading.Channels;
using MailHost.Server.Hosting;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Queue;

/// <summary>
/// The durable queue on disk: `queue/{id}.eml` holds the message, `queue/{id}.json` the envelope.
/// A message exists once its envelope has been renamed into place; both files and the directory are
/// synced before <see cref="EnqueueAsync"/> returns, so a 250 reply survives kill -9. New messages go
/// through one <see cref="SpoolCommitter"/>, so concurrent sessions share those syncs (group commit).
/// </summary>
public sealed class MessageSpool
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly string _dir;
    private readonly SpoolCommitter _committer;
    private readonly Channel<string> _arrivals = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });

    public MessageSpool(IOptions<MailHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dir = Path.Combine(options.Value.FullDataDir, "queue");
        Directory.CreateDirectory(_dir);
        _committer = new SpoolCommitter(_dir);
        // Leftovers of an enqueue interrupted by a crash: never acknowledged, so never owed.
        foreach (var tmp in Directory.EnumerateFiles(_dir, "*.tmp"))
        {
            File.Delete(tmp);
        }
    }

    /// <summary>The group committer of new messages (tests swap its disk operations for failing ones).</summary>
    internal SpoolCommitter Committer => _committer;

    /// <summary>Ids of messages enqueued since start, for workers to pick up without a directory scan.</summary>
    public ChannelReader<string> Arrivals => _arrivals.Reader;

    public static string NewId() => $"{DateTime.UtcNow:yyyyMMddHHmmss}{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";

    public string ContentPath(string id) => Path.Combine(_dir, id + ".eml");

    private string EnvelopePath(string id) => Path.Combine(_dir, id + ".json");

    /// <summary>
    /// Makes a fully written temporary content file and the envelope durable in the queue, in a batch
    /// with whatever other sessions enqueue meanwhile. The content file must be in the queue directory
    /// (see <see cref="CreateContentFile"/>) and closed; it need not be synced (the commit does that).
    /// Throws IOException (and leaves nothing in the queue) when the disk fails the batch.
    /// </summary>
    public async Task EnqueueAsync(QueuedMessage message, string temporaryContentPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelopeTemp = EnvelopePath(message.Id) + ".tmp";
        try
        {
            await using (var stream = new FileStream(envelopeTemp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await JsonSerializer.SerializeAsync(stream, message, Json, cancellationToken);
            }
        }
        catch
        {
            File.Delete(envelopeTemp);
            throw;
        }
        // Not cancellable once handed in: the batch may already be on its way to the disk.
        await _committer.CommitAsync(new SpoolCommitter.Files(temporaryContentPath, ContentPath(message.Id), envelopeTemp, EnvelopePath(message.Id)));
        _arrivals.Writer.TryWrite(message.Id);
    }

    /// <summary>A new temporary file in the queue directory (same file system, so the later rename is atomic).</summary>
    public (string Path, FileStream Stream) CreateContentFile(string id)
    {
        var path = Path.Combine(_dir, id + ".eml.tmp");
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Options = FileOptions.Asynchronous,
            BufferSize = 64 * 1024,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        return (path, stream);
    }

    public async Task WriteEnvelopeAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var temp = EnvelopePath(message.Id) + ".tmp";
        await using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            await JsonSerializer.SerializeAsync(stream, message, Json, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, EnvelopePath(message.Id), overwrite: true);
        DirectorySync.Fsync(_dir);
    }

    public async Task<QueuedMessage?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var path = EnvelopePath(id);
        // A worker nudged for a message another worker just removed: the common case costs no exception.
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<QueuedMessage>(stream, Json, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public IEnumerable<string> ListIds() =>
        Directory.EnumerateFiles(_dir, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal);

    public async Task<List<QueuedMessage>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<QueuedMessage>();
        foreach (var id in ListIds())
        {
            if (await ReadAsync(id, cancellationToken) is { } m)
            {
                list.Add(m);
            }
        }
        return list;
    }

    /// <summary>Removes a message whose recipients are all final: envelope first, so a crash leaves no live entry without content.</summary>
    public void Remove(string id)
    {
        File.Delete(EnvelopePath(id));
        File.Delete(ContentPath(id));
        DirectorySync.Fsync(_dir);
    }
}
