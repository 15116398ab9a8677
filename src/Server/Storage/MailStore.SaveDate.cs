using Microsoft.Data.Sqlite;
using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

/// <summary>
/// The save date of each message (RFC 8514): when the row was written into its current mailbox by
/// delivery, APPEND, COPY or MOVE. A column of its own, added to mail.db files made before it
/// existed; their rows keep NULL (the save date is unknown, FETCH SAVEDATE answers NIL).
/// </summary>
public sealed partial class MailStore
{
    /// <summary>Adds messages.save_date when missing; run with the rest of mail.db's schema.</summary>
    internal static async Task CreateSaveDateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (!await HasColumnAsync(connection, "messages", "save_date", cancellationToken))
        {
            await ExecuteAsync(connection, null, "ALTER TABLE messages ADD COLUMN save_date INTEGER", cancellationToken);
        }
    }

    internal static async Task<bool> HasColumnAsync(SqliteConnection connection, string table, string column, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, "SELECT 1 FROM pragma_table_info($t) WHERE name=$c", ("$t", table), ("$c", column));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>The save_date column (Unix milliseconds or NULL) as a date.</summary>
    private static DateTimeOffset? ReadSaveDate(SqliteDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(ordinal));
}
