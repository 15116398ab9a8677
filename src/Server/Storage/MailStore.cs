using System.Collections.Concurrent;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using static MailHost.Server.Storage.MailIndex;

namespace MailHost.Server.Storage;

/// <summary>
/// Mailboxes per account: folders with UID bookkeeping (RFC 9051 §2.3.1.1), message files on disk,
/// the index in mail.db. Every change wakes the mailbox's watchers through <see cref="Events"/>.
/// </summary>
public sealed partial class MailStore : IDisposable
{
    public const char Separator = '/';
    public const string Inbox = "INBOX";

    /// <summary>RFC 6154 special-use folders every new account gets.</summary>
    public static readonly IReadOnlyList<(string Name, string Use)> DefaultFolders =
    [
        ("Sent", @"\Sent"),
        ("Drafts", @"\Drafts"),
        ("Trash", @"\Trash"),
        ("Junk", @"\Junk"),
        ("Archive", @"\Archive"),
    ];

    private readonly MailIndex _index;
    private readonly SettingsSnapshotProvider _settings;
    private readonly ILogger<MailStore> _logger;
    private readonly IMessageCacheBuilder? _cacheBuilder;
    private readonly ConcurrentDictionary<string, bool> _provisioned = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _init = new(1, 1);
    private volatile bool _initialized;
    private long _lastUidValidity;

    public MailStore(IOptions<MailHostOptions> options, SettingsSnapshotProvider settings, DiskSpaceGuard disk, ILogger<MailStore> logger, IMessageCacheBuilder? cacheBuilder = null)
    {
        _cacheBuilder = cacheBuilder;
        ArgumentNullException.ThrowIfNull(options);
        var dataDir = options.Value.FullDataDir;
        Directory.CreateDirectory(Path.Combine(dataDir, "store"));
        _index = new MailIndex(Path.Combine(dataDir, "mail.db"));
        Files = new MessageFiles(Path.Combine(dataDir, "store"));
        Cache = new MessageCache(_index);
        _settings = settings;
        Disk = disk;
        _logger = logger;
    }

    public DiskSpaceGuard Disk { get; }

    public MailboxEvents Events { get; } = new();
    public MessageFiles Files { get; }

    /// <summary>ENVELOPE/BODYSTRUCTURE and header offsets per message file, so FETCH does not parse the file each time.</summary>
    public MessageCache Cache { get; }

    /// <summary>Creates the schema and reconciles files with the index, once, before any other use.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }
        await _init.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }
            await _index.CreateSchemaAsync(cancellationToken);
            await using (var c = await _index.OpenAsync(cancellationToken))
            {
                await CreateExpungedSchemaAsync(c, cancellationToken);
                await CreateSaveDateSchemaAsync(c, cancellationToken);
                _lastUidValidity = Convert.ToInt64(await ScalarAsync(c, null, "SELECT COALESCE(MAX(uidvalidity),0) FROM mailboxes", cancellationToken) ?? 0L, CultureInfo.InvariantCulture);
            }
            await new StoreRecovery(this, _index, _logger).RunAsync(cancellationToken);
            Imap.ImapSpool.DeleteLeftovers(Imap.ImapSpool.DirectoryFor(Files.Root), _logger);
            _initialized = true;
        }
        finally
        {
            _init.Release();
        }
    }

    public static string NormalizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim(Separator);
        // RFC 9051 §5.1: INBOX is case-insensitive, including as the first level of a hierarchy.
        if (name.Equals(Inbox, StringComparison.OrdinalIgnoreCase))
        {
            return Inbox;
        }
        if (name.StartsWith(Inbox + Separator, StringComparison.OrdinalIgnoreCase))
        {
            return Inbox + name[Inbox.Length..];
        }
        return name;
    }

    private long NextUidValidity()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        while (true)
        {
            var last = Interlocked.Read(ref _lastUidValidity);
            var next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref _lastUidValidity, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>Creates INBOX and the special-use folders the first time an account is seen.</summary>
    private async Task ProvisionAsync(string account, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        if (_provisioned.ContainsKey(account))
        {
            return;
        }
        await _index.WriteAsync(async (c, tx) =>
        {
            var existing = Convert.ToInt64(await ScalarAsync(c, tx, "SELECT COUNT(*) FROM mailboxes WHERE account=$a", cancellationToken, ("$a", account)), CultureInfo.InvariantCulture);
            if (existing > 0)
            {
                return 0;
            }
            await InsertMailboxAsync(c, tx, account, Inbox, null, true, cancellationToken);
            foreach (var (name, use) in DefaultFolders)
            {
                await InsertMailboxAsync(c, tx, account, name, use, true, cancellationToken);
            }
            return 0;
        }, cancellationToken);
        _provisioned[account] = true;
    }

    private async Task<long> InsertMailboxAsync(SqliteConnection c, SqliteTransaction tx, string account, string name, string? use, bool subscribed, CancellationToken cancellationToken)
    {
        await ExecuteAsync(c, tx, "INSERT INTO mailboxes(account,name,uidvalidity,uidnext,subscribed,special_use) VALUES($a,$n,$v,1,$s,$u)", cancellationToken,
            ("$a", account), ("$n", name), ("$v", NextUidValidity()), ("$s", subscribed ? 1 : 0), ("$u", use));
        return Convert.ToInt64(await ScalarAsync(c, tx, "SELECT last_insert_rowid()", cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(string account, CancellationToken cancellationToken)
    {
        account = account.ToLowerInvariant();
        await ProvisionAsync(account, cancellationToken);
        await using var c = await _index.OpenAsync(cancellationToken);
        await using var cmd = Command(c, null, "SELECT id,account,name,uidvalidity,uidnext,subscribed,special_use,modseq FROM mailboxes WHERE account=$a ORDER BY name", ("$a", account));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<MailboxInfo>();
        while (await r.ReadAsync(cancellationToken))
        {
            list.Add(ReadMailbox(r));
        }
        // INBOX first, the rest by name: what clients show anyway.
        return [.. list.OrderBy(m => m.Name == Inbox ? 0 : 1).ThenBy(m => m.Name, StringComparer.Ordinal)];
    }

    public async Task<MailboxInfo?> GetMailboxAsync(string account, string name, CancellationToken cancellationToken)
    {
        account = account.ToLowerInvariant();
        await ProvisionAsync(account, cancellationToken);
        await using var c = await _index.OpenAsync(cancellationToken);
        return await GetMailboxAsync(c, null, account, NormalizeName(name), cancellationToken);
    }

    private static async Task<MailboxInfo?> GetMailboxAsync(SqliteConnection c, SqliteTransaction? tx, string account, string name, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, tx, "SELECT id,account,name,uidvalidity,uidnext,subscribed,special_use,modseq FROM mailboxes WHERE account=$a AND name=$n", ("$a", account), ("$n", name));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadMailbox(r) : null;
    }

    private static async Task<MailboxInfo?> GetMailboxByIdAsync(SqliteConnection c, SqliteTransaction? tx, long id, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, tx, "SELECT id,account,name,uidvalidity,uidnext,subscribed,special_use,modseq FROM mailboxes WHERE id=$id", ("$id", id));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? ReadMailbox(r) : null;
    }

    public async Task<MailboxInfo?> GetMailboxByIdAsync(long id, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        await using var c = await _index.OpenAsync(cancellationToken);
        return await GetMailboxByIdAsync(c, null, id, cancellationToken);
    }

    private static MailboxInfo ReadMailbox(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5) != 0, r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7));

    public async Task<StoreError> CreateMailboxAsync(string account, string name, string? specialUse, CancellationToken cancellationToken)
    {
        account = account.ToLowerInvariant();
        name = NormalizeName(name);
        if (name.Length == 0 || name.Contains(Separator + "" + Separator, StringComparison.Ordinal) || name.Any(ch => ch is '*' or '%' || char.IsControl(ch)))
        {
            return StoreError.Invalid;
        }
        await ProvisionAsync(account, cancellationToken);
        var created = new List<MailboxNameChange>();
        var error = await _index.WriteAsync(async (c, tx) =>
        {
            created.Clear();
            if (await GetMailboxAsync(c, tx, account, name, cancellationToken) is not null)
            {
                return StoreError.AlreadyExists;
            }
            // RFC 9051 §6.3.4: create superior hierarchy levels that do not exist.
            var parts = name.Split(Separator);
            for (var i = 1; i < parts.Length; i++)
            {
                var parent = string.Join(Separator, parts[..i]);
                if (await GetMailboxAsync(c, tx, account, parent, cancellationToken) is null)
                {
                    await InsertMailboxAsync(c, tx, account, parent, null, false, cancellationToken);
                    created.Add(new MailboxNameChange(MailboxNameKind.Created, parent));
                }
            }
            await InsertMailboxAsync(c, tx, account, name, specialUse, false, cancellationToken);
            created.Add(new MailboxNameChange(MailboxNameKind.Created, name));
            return StoreError.None;
        }, cancellationToken);
        if (error == StoreError.None)
        {
            Events.NameChanged(account, created);
        }
        return error;
    }

    public async Task<StoreError> DeleteMailboxAsync(string account, string name, CancellationToken cancellationToken)
    {
        account = account.ToLowerInvariant();
        name = NormalizeName(name);
        if (name == Inbox)
        {
            return StoreError.Invalid;
        }
        await ProvisionAsync(account, cancellationToken);
        var files = new List<string>();
        long id = 0;
        var error = await _index.WriteAsync(async (c, tx) =>
        {
            var box = await GetMailboxAsync(c, tx, account, name, cancellationToken);
            if (box is null)
            {
                return StoreError.NotFound;
            }
            id = box.Id;
            files.AddRange(await FilesOfAsync(c, tx, "SELECT file FROM messages WHERE mailbox_id=$m", cancellationToken, ("$m", id)));
            await ExecuteAsync(c, tx, "DELETE FROM messages WHERE mailbox_id=$m", cancellationToken, ("$m", id));
            await RecordPendingDeletesAsync(c, tx, files, cancellationToken);
            await ExecuteAsync(c, tx, "DELETE FROM mailboxes WHERE id=$m", cancellationToken, ("$m", id));
            return StoreError.None;
        }, cancellationToken);
        if (error == StoreError.None)
        {
            await DeleteUnreferencedAsync(files, cancellationToken);
            Events.Changed(id);
            Events.NameChanged(account, [new MailboxNameChange(MailboxNameKind.Deleted, name)]);
        }
        return error;
    }

    public async Task<StoreError> RenameMailboxAsync(string account, string from, string to, CancellationToken cancellationToken)
    {
        account = account.ToLowerInvariant();
        from = NormalizeName(from);
        to = NormalizeName(to);
        if (to.Length == 0 || to == Inbox || to.Any(ch => ch is '*' or '%' || char.IsControl(ch)))
        {
            return StoreError.Invalid;
        }
        await ProvisionAsync(account, cancellationToken);
        long changed = 0;
        var error = await _index.WriteAsync(async (c, tx) =>
        {
            var box = await GetMailboxAsync(c, tx, account, from, cancellationToken);
            if (box is null)
            {
                return StoreError.NotFound;
            }
            if (await GetMailboxAsync(c, tx, account, to, cancellationToken) is not null)
            {
                return StoreError.AlreadyExists;
            }
            if (from == Inbox)
            {
                // RFC 9051 §6.3.6: renaming INBOX moves its messages to the new name and leaves INBOX empty.
                var newId = await InsertMailboxAsync(c, tx, account, to, null, false, cancellationToken);
                await ExecuteAsync(c, tx, "UPDATE mailboxes SET uidnext=$n WHERE id=$id", cancellationToken, ("$n", box.UidNext), ("$id", newId));
                await ExecuteAsync(c, tx, "UPDATE messages SET mailbox_id=$new WHERE mailbox_id=$old", cancellationToken, ("$new", newId), ("$old", box.Id));
                changed = box.Id;
                return StoreError.None;
            }
            await ExecuteAsync(c, tx, "UPDATE mailboxes SET name=$to || substr(name, length($from)+1) WHERE account=$a AND (name=$from OR substr(name,1,length($from)+1)=$from || '/')", cancellationToken,
                ("$to", to), ("$from", from), ("$a", account));
            changed = box.Id;
            return StoreError.None;
        }, cancellationToken);
        if (error == StoreError.None)
        {
            Events.Changed(changed);
            // RFC 5465 §5.4: renaming INBOX is a creation of the new name (INBOX stays); children move with a rename.
            Events.NameChanged(account, [from == Inbox ? new MailboxNameChange(MailboxNameKind.Created, to) : new MailboxNameChange(MailboxNameKind.Renamed, to, from)]);
        }
        return error;
    }

    public async Task<MailboxCounts> CountAsync(long mailboxId, CancellationToken cancellationToken)
    {
        var messages = await ListMessagesAsync(mailboxId, cancellationToken);
        var firstUnseen = messages.FindIndex(m => !m.Has(Flags.Seen));
        return new MailboxCounts(messages.Count, messages.Count(m => !m.Has(Flags.Seen)), messages.Count(m => m.Has(Flags.Deleted)), messages.Sum(m => m.Size), firstUnseen + 1);
    }

    public async Task<long> UsedBytesAsync(string account, CancellationToken cancellationToken)
    {
        await using var c = await _index.OpenAsync(cancellationToken);
        return await UsedBytesAsync(c, null, account.ToLowerInvariant(), cancellationToken);
    }

    private static async Task<long> UsedBytesAsync(SqliteConnection c, SqliteTransaction? tx, string account, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(c, tx, "SELECT COALESCE(SUM(size),0) FROM messages JOIN mailboxes ON mailboxes.id=messages.mailbox_id WHERE mailboxes.account=$a", cancellationToken, ("$a", account)), CultureInfo.InvariantCulture);

    private long QuotaOf(string account) =>
        _settings.Current.Accounts.TryGetValue(account, out var spec) ? spec.QuotaBytes : 0;

    private static async Task<List<string>> FilesOfAsync(SqliteConnection c, SqliteTransaction tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(c, tx, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        var files = new List<string>();
        while (await r.ReadAsync(cancellationToken))
        {
            files.Add(r.GetString(0));
        }
        return files;
    }

    /// <summary>
    /// Records, in the transaction that deletes their rows, the files that may have lost their last
    /// reference; <see cref="DeleteUnreferencedAsync"/> (or start-up recovery after a crash) unlinks them.
    /// </summary>
    internal static async Task RecordPendingDeletesAsync(SqliteConnection c, SqliteTransaction tx, IEnumerable<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files.Distinct())
        {
            await ExecuteAsync(c, tx, "INSERT OR IGNORE INTO pending_deletes(file) VALUES($f)", cancellationToken, ("$f", file));
        }
    }

    /// <summary>Deletes the files no row refers to any more (COPY shares one file between rows), then their pending-delete records.</summary>
    private async Task DeleteUnreferencedAsync(IEnumerable<string> files, CancellationToken cancellationToken)
    {
        var list = files.Distinct().ToList();
        await _index.WriteAsync(async (c, tx) =>
        {
            await FinishPendingDeletesAsync(c, tx, Files, list, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Unlinks each file no row refers to and forgets its record; a crash in between leaves the record for recovery.</summary>
    internal static async Task FinishPendingDeletesAsync(SqliteConnection c, SqliteTransaction tx, MessageFiles files, IEnumerable<string> pending, CancellationToken cancellationToken)
    {
        foreach (var file in pending)
        {
            var refs = Convert.ToInt64(await ScalarAsync(c, tx, "SELECT COUNT(*) FROM messages WHERE file=$f", cancellationToken, ("$f", file)), CultureInfo.InvariantCulture);
            if (refs == 0)
            {
                files.Delete(file);
                await MessageCache.ForgetAsync(c, tx, file, cancellationToken);
            }
            await ExecuteAsync(c, tx, "DELETE FROM pending_deletes WHERE file=$f", cancellationToken, ("$f", file));
        }
    }

    public void Dispose()
    {
        _index.Dispose();
        _init.Dispose();
    }
}
