using Microsoft.Data.Sqlite;

namespace MailHost.Server.Storage;

/// <summary>
/// The message index: its own SQLite file (data/mail.db) in WAL mode, separate from settings.db so
/// mail traffic never contends with the console. Writers are serialised in-process (one SQLite
/// writer at a time anyway), readers run concurrently.
/// </summary>
public sealed class MailIndex : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public MailIndex(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction, one writer at a time.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, tx);
            await tx.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS mailboxes(
              id INTEGER PRIMARY KEY,
              account TEXT NOT NULL,
              name TEXT NOT NULL,
              uidvalidity INTEGER NOT NULL,
              uidnext INTEGER NOT NULL,
              modseq INTEGER NOT NULL DEFAULT 1,
              subscribed INTEGER NOT NULL DEFAULT 0,
              special_use TEXT,
              UNIQUE(account, name));
            CREATE TABLE IF NOT EXISTS messages(
              id INTEGER PRIMARY KEY,
              mailbox_id INTEGER NOT NULL,
              uid INTEGER NOT NULL,
              size INTEGER NOT NULL,
              internal_date INTEGER NOT NULL,
              flags TEXT NOT NULL DEFAULT '',
              file TEXT NOT NULL,
              modseq INTEGER NOT NULL,
              delivery_key TEXT UNIQUE,
              UNIQUE(mailbox_id, uid));
            CREATE INDEX IF NOT EXISTS messages_file ON messages(file);
            -- Files whose last row was deleted, recorded in the same transaction: recovery finishes
            -- their unlink instead of re-adopting them as new mail after a crash.
            CREATE TABLE IF NOT EXISTS pending_deletes(file TEXT PRIMARY KEY);
            """, cancellationToken);
        // The FETCH cache has its own table (see MessageCache) so schema changes elsewhere merge cleanly.
        await ExecuteAsync(connection, null, MessageCache.Schema, cancellationToken);
        // Durability comes from the fsynced message file plus start-up recovery; NORMAL is enough for the index.
        await ExecuteAsync(connection, null, "PRAGMA synchronous=NORMAL;", cancellationToken);
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? tx, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = connection.CreateCommand();
        command.Transaction = tx;
#pragma warning disable CA2100 // SQL text is constant; values always go through parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    public void Dispose() => _writer.Dispose();
}
