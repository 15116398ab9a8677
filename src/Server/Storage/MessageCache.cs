using System.Text;
using Microsoft.Data.Sqlite;
using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

/// <summary>
/// What IMAP FETCH would otherwise parse the message file for, computed once per file (like Dovecot's
/// dovecot.index.cache): the ENVELOPE, BODY and BODYSTRUCTURE response bytes and where the top-level
/// header ends. Keyed by file, so COPY shares the row with the file it shares. The bytes are opaque
/// here; the IMAP layer builds them and names the format with <see cref="CachedMessage.Version"/>, so
/// a change to the formatters makes old rows misses instead of wrong answers.
/// </summary>
public sealed class MessageCache(MailIndex index)
{
    /// <summary>Rows looked up per query: bounded parameter lists and bounded memory for FETCH 1:*.</summary>
    public const int BatchSize = 256;

    /// <summary>Messages up to this size get their row when stored; larger ones on their first FETCH.</summary>
    public const long MaxBuildAtStoreSize = 1024 * 1024;

    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS message_cache(
          file TEXT PRIMARY KEY,
          version INTEGER NOT NULL,
          header_length INTEGER NOT NULL,
          envelope BLOB NOT NULL,
          envelope_utf8 BLOB,
          body BLOB NOT NULL,
          body_utf8 BLOB,
          bodystructure BLOB NOT NULL,
          bodystructure_utf8 BLOB);
        """;

    /// <summary>The rows of those files written in format <paramref name="version"/>; files without one are absent.</summary>
    public async Task<Dictionary<string, CachedMessage>> GetAsync(IReadOnlyList<string> files, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var found = new Dictionary<string, CachedMessage>(StringComparer.Ordinal);
        if (files.Count == 0)
        {
            return found;
        }
        await using var c = await index.OpenAsync(cancellationToken);
        for (var start = 0; start < files.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, files.Count - start);
            var sql = new StringBuilder("SELECT file,version,header_length,envelope,envelope_utf8,body,body_utf8,bodystructure,bodystructure_utf8 FROM message_cache WHERE file IN (");
            var parameters = new (string, object?)[count];
            for (var i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? "$f0" : $",$f{i}");
                parameters[i] = ($"$f{i}", files[start + i]);
            }
            await using var cmd = Command(c, null, sql.Append(')').ToString(), parameters);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                if (r.GetInt32(1) != version)
                {
                    continue;
                }
                found[r.GetString(0)] = new CachedMessage(version, r.GetInt64(2), Blob(r, 3)!, Blob(r, 4), Blob(r, 5)!, Blob(r, 6), Blob(r, 7)!, Blob(r, 8));
            }
        }
        return found;
    }

    /// <summary>Stores rows (one transaction for the batch); an existing row of the same file is replaced.</summary>
    public Task PutAsync(IReadOnlyList<(string File, CachedMessage Entry)> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }
        return index.WriteAsync(async (c, tx) =>
        {
            foreach (var (file, e) in rows)
            {
                await InsertAsync(c, tx, file, e, cancellationToken);
            }
            return 0;
        }, cancellationToken);
    }

    /// <summary>Writes one row inside the caller's transaction (APPEND and delivery: with the message row, no extra commit).</summary>
    internal static Task InsertAsync(SqliteConnection c, SqliteTransaction tx, string file, CachedMessage e, CancellationToken cancellationToken) =>
        ExecuteAsync(c, tx, "INSERT OR REPLACE INTO message_cache(file,version,header_length,envelope,envelope_utf8,body,body_utf8,bodystructure,bodystructure_utf8) VALUES($f,$v,$h,$e,$e8,$b,$b8,$s,$s8)", cancellationToken,
            ("$f", file), ("$v", e.Version), ("$h", e.HeaderLength), ("$e", e.Envelope), ("$e8", e.EnvelopeUtf8), ("$b", e.Body), ("$b8", e.BodyUtf8), ("$s", e.BodyStructure), ("$s8", e.BodyStructureUtf8));

    /// <summary>Forgets the row of a file that was unlinked (inside the deleting transaction).</summary>
    internal static Task ForgetAsync(SqliteConnection c, SqliteTransaction tx, string file, CancellationToken cancellationToken) =>
        ExecuteAsync(c, tx, "DELETE FROM message_cache WHERE file=$f", cancellationToken, ("$f", file));

    private static byte[]? Blob(SqliteDataReader r, int column) => r.IsDBNull(column) ? null : (byte[])r.GetValue(column);
}

/// <summary>
/// One cache row. The UTF-8 forms (for sessions that enabled UTF8=ACCEPT or IMAP4rev2) are stored
/// only when they differ from the 7-bit forms, which is rare: null means "same as the 7-bit form".
/// </summary>
public sealed record CachedMessage(int Version, long HeaderLength, byte[] Envelope, byte[]? EnvelopeUtf8, byte[] Body, byte[]? BodyUtf8, byte[] BodyStructure, byte[]? BodyStructureUtf8)
{
    public byte[] EnvelopeFor(bool utf8) => utf8 ? EnvelopeUtf8 ?? Envelope : Envelope;

    public byte[] BodyFor(bool utf8) => utf8 ? BodyUtf8 ?? Body : Body;

    public byte[] BodyStructureFor(bool utf8) => utf8 ? BodyStructureUtf8 ?? BodyStructure : BodyStructure;
}

/// <summary>Makes a cache row from a stored message's bytes (the IMAP layer's formatters); the store calls it at APPEND and delivery.</summary>
public interface IMessageCacheBuilder
{
    CachedMessage Build(byte[] content);
}

internal static partial class MessageCacheLog
{
    [LoggerMessage(7301, LogLevel.Warning, "FETCH cache: no row for {File} at store time ({Reason}); FETCH will parse it", EventName = "MessageCacheBuildFailed")]
    public static partial void BuildFailed(ILogger logger, string file, string reason);
}
