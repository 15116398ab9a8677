using System.Text;
using MailHost.Server.Hosting;
using MailHost.Server.Queue;
using MailHost.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace MailHost.Server.IntegrationTests.Storage;

/// <summary>
/// The spool's group commit on real files: concurrent enqueues share one batch and are all in the queue,
/// byte for byte, for a new spool on the same folder (a restart); a disk failure in a batch fails every
/// caller of that batch with the out-of-space error SMTP turns into 452 4.3.1, leaves none of its messages
/// behind, and the next batch is committed as usual.
/// </summary>
public sealed class SpoolCommitterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mailhost-spool-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private MessageSpool NewSpool() => new(Options.Create(new MailHostOptions { DataDir = _dir }));

    [Fact]
    public async Task ConcurrentEnqueues_ShareOneBatch_AllDurableAfterRestart()
    {
        var spool = NewSpool();
        var sync = new ControlledSync();
        spool.Committer.Sync = sync;

        // The first message's batch is held at its directory sync while fifty more are handed in.
        sync.HoldDirectorySync = true;
        var first = EnqueueAsync(spool, 0);
        await sync.DirectorySyncEntered.WaitAsync(TimeSpan.FromSeconds(30));
        var rest = Enumerable.Range(1, 50).Select(i => Task.Run(() => EnqueueAsync(spool, i))).ToList();
        await WaitForPendingAsync(spool, 50);
        sync.HoldDirectorySync = false;
        sync.Release.Release();

        var ids = new List<string> { await first };
        ids.AddRange(await Task.WhenAll(rest));

        // Fifty sessions, one batch: one directory sync between them.
        Assert.Equal(2, spool.Committer.Batches);
        Assert.Equal(2, sync.DirectorySyncs);
        Assert.Equal(51 * 2, sync.DataSyncs);

        var restarted = NewSpool();
        Assert.Equal(ids.Order(StringComparer.Ordinal), restarted.ListIds());
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var envelope = await restarted.ReadAsync(id, CancellationToken.None);
            Assert.NotNull(envelope);
            Assert.Equal($"s{i}@example.test", envelope.Sender);
            Assert.Equal(Body(i), await File.ReadAllTextAsync(restarted.ContentPath(id)));
        }
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, "queue"), "*.tmp"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailedSync_FailsEveryWaiterOfTheBatch_NextBatchSucceeds(bool failDirectorySync)
    {
        var spool = NewSpool();
        var sync = new ControlledSync();
        spool.Committer.Sync = sync;

        sync.HoldDirectorySync = true;
        var first = EnqueueAsync(spool, 0);
        await sync.DirectorySyncEntered.WaitAsync(TimeSpan.FromSeconds(30));
        var doomed = Enumerable.Range(1, 10).Select(i => Task.Run(() => EnqueueAsync(spool, i))).ToList();
        await WaitForPendingAsync(spool, 10);
        // The held batch completes; the ten waiting form the next batch, which the disk fails.
        sync.FailNext = failDirectorySync ? Failure.DirectorySync : Failure.DataSync;
        sync.HoldDirectorySync = false;
        sync.Release.Release();

        var kept = await first;
        foreach (var task in doomed)
        {
            var error = await Assert.ThrowsAsync<IOException>(() => task);
            // The reply SmtpSession gives for this error is 452 4.3.1.
            Assert.True(DiskSpaceGuard.IsOutOfSpace(error), error.ToString());
        }
        Assert.Equal(2, spool.Committer.Batches);

        // The committer survived: the next batch goes through.
        var later = await Task.WhenAll(Enumerable.Range(11, 5).Select(i => Task.Run(() => EnqueueAsync(spool, i))));

        var restarted = NewSpool();
        Assert.Equal(later.Append(kept).Order(StringComparer.Ordinal), restarted.ListIds());
        // Nothing of a failed message is left: no envelope, no content, no temporary file.
        var files = Directory.EnumerateFiles(Path.Combine(_dir, "queue")).Select(Path.GetFileName).ToList();
        Assert.Equal(6 * 2, files.Count);
        Assert.All(files, f => Assert.True(f!.EndsWith(".eml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal), f));
    }

    private static string Body(int i) => $"Subject: message {i}\r\n\r\n{new string('x', 100 + i)}\r\n";

    private static async Task<string> EnqueueAsync(MessageSpool spool, int i)
    {
        var id = MessageSpool.NewId();
        var path = await spool.WriteAsync(id, Encoding.ASCII.GetBytes(Body(i)), CancellationToken.None);
        await spool.EnqueueAsync(new QueuedMessage
        {
            Id = id,
            CreatedUtc = DateTime.UtcNow,
            Sender = $"s{i}@example.test",
            Recipients = [new QueuedRecipient { Address = "rcpt@example.test" }],
        }, path, CancellationToken.None);
        return id;
    }

    private static async Task WaitForPendingAsync(MessageSpool spool, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (spool.Committer.Pending < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {spool.Committer.Pending} of {count} handed in");
            await Task.Delay(10);
        }
    }

    private enum Failure
    {
        None,
        DataSync,
        DirectorySync,
    }

    /// <summary>The real system calls, with a gate on the directory sync and one injected ENOSPC.</summary>
    private sealed class ControlledSync : ISpoolFileSync
    {
        private const int Enospc = 28;
        private int _dataSyncs;
        private int _directorySyncs;

        public volatile bool HoldDirectorySync;
        public volatile Failure FailNext;
        public SemaphoreSlim DirectorySyncEntered { get; } = new(0);
        public SemaphoreSlim Release { get; } = new(0);
        public int DataSyncs => Volatile.Read(ref _dataSyncs);
        public int DirectorySyncs => Volatile.Read(ref _directorySyncs);

        public void StartWriteback(SafeFileHandle file) => SpoolFileSync.Instance.StartWriteback(file);

        public void DataSync(SafeFileHandle file)
        {
            Interlocked.Increment(ref _dataSyncs);
            if (FailNext == Failure.DataSync)
            {
                FailNext = Failure.None;
                throw new IOException("injected fdatasync failure", Enospc);
            }
            SpoolFileSync.Instance.DataSync(file);
        }

        public void SyncDirectory(string directory)
        {
            Interlocked.Increment(ref _directorySyncs);
            // Decided before the hold: the failure the test arms meanwhile is for the next batch.
            var fail = FailNext == Failure.DirectorySync;
            if (HoldDirectorySync)
            {
                DirectorySyncEntered.Release();
                if (!Release.Wait(TimeSpan.FromSeconds(30)))
                {
                    throw new IOException("test never released the held batch");
                }
            }
            if (fail)
            {
                FailNext = Failure.None;
                throw new IOException("injected directory fsync failure", Enospc);
            }
            SpoolFileSync.Instance.SyncDirectory(directory);
        }
    }
}
