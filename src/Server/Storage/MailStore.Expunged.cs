using Microsoft.Data.Sqlite;
using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

/// <summary>
/// The expunge log QRESYNC needs (RFC 7162 §3.2): which UIDs left a mailbox at which mod-sequence,
/// kept per UIDVALIDITY so a mailbox that reuses an id after a delete never reports another's UIDs.
/// </summary>
public sealed partial class MailStore
{
    /// <summary>Schema of the log; run with the rest of mail.db's schema.</summary>
    internal static Task CreateExpungedSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS expunged(
              mailbox_id INTEGER NOT NULL,
              uidvalidity INTEGER NOT NULL,
              uid INTEGER NOT NULL,
              modseq INTEGER NOT NULL,
              PRIMARY KEY(mailbox_id, uidvalidity, uid)) WITHOUT ROWID;
            """, cancellationToken);

    /// <summary>Records removed UIDs with the mod-sequence of their removal, in the removing transaction.</summary>
    private static async Task RecordExpungedAsync(SqliteConnection c, SqliteTransaction tx, long mailboxId, IEnumerable<long> uids, long modSeq, CancellationToken cancellationToken)
    {
        foreach (var uid in uids)
        {
            await ExecuteAsync(c, tx, """
                INSERT OR REPLACE INTO expunged(mailbox_id, uidvalidity, uid, modseq)
                SELECT id, uidvalidity, $u, $s FROM mailboxes WHERE id=$m
                """, cancellationToken, ("$m", mailboxId), ("$u", uid), ("$s", modSeq));
        }
    }

    /// <summary>UIDs of the mailbox (at this UIDVALIDITY) expunged at mod-sequence <paramref name="modSeq"/> or before.</summary>
    public async Task<HashSet<long>> ExpungedUpToAsync(long mailboxId, long uidValidity, ulong modSeq, CancellationToken cancellationToken)
    {
        await using var c = await _index.OpenAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT uid FROM expunged WHERE mailbox_id=$m AND uidvalidity=$v AND modseq<=$s",
            ("$m", mailboxId), ("$v", uidValidity), ("$s", (long)Math.Min(modSeq, long.MaxValue)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new HashSet<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(reader.GetInt64(0));
        }
        return result;
    }

    /// <summary>UIDs of the mailbox (at this UIDVALIDITY) expunged after mod-sequence <paramref name="modSeq"/>.</summary>
    public async Task<List<long>> ExpungedSinceAsync(long mailboxId, long uidValidity, ulong modSeq, CancellationToken cancellationToken)
    {
        await using var c = await _index.OpenAsync(cancellationToken);
        await using var command = Command(c, null, "SELECT uid FROM expunged WHERE mailbox_id=$m AND uidvalidity=$v AND modseq>$s ORDER BY uid",
            ("$m", mailboxId), ("$v", uidValidity), ("$s", (long)Math.Min(modSeq, long.MaxValue)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(reader.GetInt64(0));
        }
        return result;
    }
}
