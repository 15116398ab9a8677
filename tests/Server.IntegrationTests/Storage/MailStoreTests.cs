using System.Text;
using MailHost.Server.Hosting;
using MailHost.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailHost.Server.IntegrationTests.Storage;

[Collection("mailstore")]
public sealed class MailStoreTests(MailServerFixture fixture) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailhost-store-tests", Guid.NewGuid().ToString("N"));

    private MailStore NewStore()
    {
        var options = Options.Create(new MailHostOptions { DataDir = _dir });
        return new(options, fixture.Server.Snapshot, new DiskSpaceGuard(options, fixture.Server.Snapshot, TimeProvider.System), NullLogger<MailStore>.Instance);
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static MemoryStream Message(string subject) => new(Encoding.ASCII.GetBytes($"Subject: {subject}\r\n\r\nbody\r\n"));

    [Fact]
    public async Task NewAccount_FirstAccess_HasInboxAndSpecialUseFolders()
    {
        using var store = NewStore();
        var boxes = await store.ListMailboxesAsync("alice@example.com", Timeout());
        Assert.Equal(["INBOX", "Archive", "Drafts", "Junk", "Sent", "Trash"], boxes.Select(b => b.Name));
        Assert.Equal(@"\Sent", boxes.Single(b => b.Name == "Sent").SpecialUse);
        Assert.All(boxes, b => Assert.True(b.Subscribed));
    }

    [Fact]
    public async Task Recovery_AfterCrashBetweenFileAndIndex_ReindexesDropsAndDeletesPartials()
    {
        long inboxId;
        string lostFile;
        using (var store = NewStore())
        {
            var inbox = (await store.GetMailboxAsync("alice@example.com", "INBOX", Timeout()))!;
            inboxId = inbox.Id;
            await store.AppendAsync(inbox.Id, Message("kept"), [], DateTimeOffset.UtcNow, null, Timeout());
            await store.AppendAsync(inbox.Id, Message("file lost"), [], DateTimeOffset.UtcNow, null, Timeout());
            lostFile = (await store.ListMessagesAsync(inbox.Id, Timeout()))[1].File;
        }
        var accountDir = Path.Combine(_dir, "store", MessageFiles.AccountDirectoryName("alice@example.com"));
        // A delivered file whose index row never got written (crash after fsync, before INSERT).
        var key = MessageFiles.DeliveryKey("q1:alice@example.com");
        await File.WriteAllTextAsync(Path.Combine(accountDir, $"{inboxId}_{key}.eml"), "Subject: orphan\r\n\r\nx\r\n");
        // A file still being written: never acknowledged.
        await File.WriteAllTextAsync(Path.Combine(accountDir, "partial.eml.tmp"), "Subject: half");
        File.Delete(Path.Combine(_dir, "store", lostFile));

        using var recovered = NewStore();
        await recovered.InitializeAsync(Timeout());
        var messages = await recovered.ListMessagesAsync(inboxId, Timeout());
        Assert.Equal(2, messages.Count);
        Assert.DoesNotContain(messages, m => m.File == lostFile);
        Assert.Contains(messages, m => m.File.EndsWith($"{key}.eml", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(accountDir, "partial.eml.tmp")));
        // The queue retries the delivery after the crash: it must not be stored twice.
        var again = await recovered.AppendAsync(inboxId, Message("orphan"), [], DateTimeOffset.UtcNow, "q1:alice@example.com", Timeout());
        Assert.Equal(StoreError.AlreadyExists, again.Error);
        Assert.Equal(2, (await recovered.ListMessagesAsync(inboxId, Timeout())).Count);
    }

    [Fact]
    public async Task Delivery_SameDeliveryIdTwice_StoredOnce()
    {
        using var store = NewStore();
        var delivery = new MailboxDelivery(store, fixture.Server.Snapshot);
        var path = Path.Combine(_dir, "in.eml");
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(path, "Subject: once\r\n\r\nx\r\n");
        var first = await delivery.DeliverAsync("bob@example.com", "q9:bob@example.com", path, Timeout());
        var second = await delivery.DeliverAsync("bob@example.com", "q9:bob@example.com", path, Timeout());
        var unknown = await delivery.DeliverAsync("nobody@example.com", "q9:nobody@example.com", path, Timeout());
        Assert.Equal(LocalDeliveryOutcome.Delivered, first.Outcome);
        Assert.Equal(LocalDeliveryOutcome.AlreadyDelivered, second.Outcome);
        Assert.Equal(LocalDeliveryOutcome.NoSuchMailbox, unknown.Outcome);
        var inbox = (await store.GetMailboxAsync("bob@example.com", "INBOX", Timeout()))!;
        Assert.Single(await store.ListMessagesAsync(inbox.Id, Timeout()));
    }

    [Fact]
    public async Task Delivery_OverQuota_Refused()
    {
        using var store = NewStore();
        var delivery = new MailboxDelivery(store, fixture.Server.Snapshot);
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "big.eml");
        await File.WriteAllTextAsync(path, "Subject: big\r\n\r\n" + new string('x', 2500) + "\r\n");
        Assert.Equal(LocalDeliveryOutcome.Delivered, (await delivery.DeliverAsync("small@example.com", "a", path, Timeout())).Outcome);
        Assert.Equal(LocalDeliveryOutcome.OverQuota, (await delivery.DeliverAsync("small@example.com", "b", path, Timeout())).Outcome);
    }

    [Fact]
    public async Task Expunge_CopiedMessage_FileKeptUntilLastReference()
    {
        using var store = NewStore();
        var inbox = (await store.GetMailboxAsync("carol@example.com", "INBOX", Timeout()))!;
        var trash = (await store.GetMailboxAsync("carol@example.com", "Trash", Timeout()))!;
        var added = await store.AppendAsync(inbox.Id, Message("shared"), [Flags.Deleted], DateTimeOffset.UtcNow, null, Timeout());
        await store.CopyAsync(inbox.Id, [added.Uid], trash.Id, move: false, Timeout());
        var file = (await store.ListMessagesAsync(trash.Id, Timeout())).Single().File;
        Assert.Equal([added.Uid], await store.ExpungeAsync(inbox.Id, null, Timeout()));
        Assert.True(File.Exists(store.Files.FullPath(file)));
        await store.RemoveAsync(trash.Id, [1], Timeout());
        Assert.False(File.Exists(store.Files.FullPath(file)));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
