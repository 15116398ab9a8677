using System.Text;
using MailHost.Server.Hosting;
using MailHost.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailHost.Server.IntegrationTests.Storage;

/// <summary>A mail.db written before messages had a save date (RFC 8514) gets the column on start; old rows keep no date.</summary>
[Collection("mailstore")]
public sealed class SaveDateMigrationTests(MailServerFixture fixture) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailhost-store-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task OldMailDb_WithoutSaveDateColumn_GetsColumn_OldRowsNull_NewRowsDated()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var store = Path.Combine(_dir, "store");
        var accountDir = Path.Combine(store, MessageFiles.AccountDirectoryName("old@example.com"));
        Directory.CreateDirectory(accountDir);
        const string file = "1_aabbccddeeff00112233445566778899.eml";
        await File.WriteAllTextAsync(Path.Combine(accountDir, file), "Subject: old\r\n\r\nx\r\n", cts.Token);
        // The messages table as MailHost created it before save dates.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(_dir, "mail.db")};Pooling=False"))
        {
            await db.OpenAsync(cts.Token);
            await using var create = db.CreateCommand();
            create.CommandText = """
                CREATE TABLE mailboxes(id INTEGER PRIMARY KEY, account TEXT NOT NULL, name TEXT NOT NULL, uidvalidity INTEGER NOT NULL,
                  uidnext INTEGER NOT NULL, modseq INTEGER NOT NULL DEFAULT 1, subscribed INTEGER NOT NULL DEFAULT 0, special_use TEXT, UNIQUE(account, name));
                CREATE TABLE messages(id INTEGER PRIMARY KEY, mailbox_id INTEGER NOT NULL, uid INTEGER NOT NULL, size INTEGER NOT NULL,
                  internal_date INTEGER NOT NULL, flags TEXT NOT NULL DEFAULT '', file TEXT NOT NULL, modseq INTEGER NOT NULL, delivery_key TEXT UNIQUE, UNIQUE(mailbox_id, uid));
                INSERT INTO mailboxes(id,account,name,uidvalidity,uidnext,subscribed) VALUES(1,'old@example.com','INBOX',1000,2,1);
                """;
            await create.ExecuteNonQueryAsync(cts.Token);
            await using var insert = db.CreateCommand();
            insert.CommandText = "INSERT INTO messages(mailbox_id,uid,size,internal_date,flags,file,modseq) VALUES(1,1,20,1577872800000,'',$f,1)";
            insert.Parameters.AddWithValue("$f", "old%40example.com/" + file);
            await insert.ExecuteNonQueryAsync(cts.Token);
        }

        var options = Options.Create(new MailHostOptions { DataDir = _dir });
        using var mail = new MailStore(options, fixture.Server.Snapshot, new DiskSpaceGuard(options, fixture.Server.Snapshot, TimeProvider.System), NullLogger<MailStore>.Instance);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var content = new MemoryStream(Encoding.ASCII.GetBytes("Subject: new\r\n\r\nx\r\n"));
        Assert.Equal(StoreError.None, (await mail.AppendAsync(1, content, [], before.AddYears(-3), null, cts.Token)).Error);
        var messages = await mail.ListMessagesAsync(1, cts.Token);

        Assert.Equal([1L, 2L], messages.Select(m => m.Uid));
        Assert.Null(messages[0].SaveDate);
        Assert.NotNull(messages[1].SaveDate);
        Assert.InRange(messages[1].SaveDate!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
