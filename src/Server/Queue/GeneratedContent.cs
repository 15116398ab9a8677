namespace MailHost.Server.Queue;

/// <summary>
/// The content file of a message MailHost writes itself (a DSN, a DMARC or TLS report): written whole and
/// closed; <see cref="MessageSpool.EnqueueAsync"/> then syncs it with its batch and moves it into the queue,
/// like a received one.
/// </summary>
public static class GeneratedContent
{
    /// <summary>Writes <paramref name="bytes"/> to a new temporary content file for <paramref name="id"/>; returns its path.</summary>
    public static async Task<string> WriteAsync(this MessageSpool spool, string id, byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(bytes);
        var (path, stream) = spool.CreateContentFile(id);
        await using (stream)
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        return path;
    }
}
