namespace MailHost.Server.Queue;

/// <summary>
/// Group commit for the spool: sessions hand in a message whose content and envelope are written to
/// temporary files (not yet synced); one committer at a time takes everything handed in so far and, for
/// the whole batch, starts writeback of every file, fdatasyncs each, renames them into place and fsyncs
/// the queue directory once. Only then do the batch's callers return (and say 250). Concurrent sessions
/// thus share one journal commit for the data and one for the directory instead of three each.
/// A failure anywhere fails every caller of that batch and leaves none of its messages in the queue; the
/// committer itself carries on with the next batch. Each caller waits for its own message, so the pending
/// list never holds more entries than there are sessions (and generated reports) enqueueing at once. The
/// batch in flight is never cancelled: at shutdown it completes (or fails) and its callers get the answer.
/// </summary>
internal sealed class SpoolCommitter(string directory)
{
    // Bounds the latency a batch adds for its first caller; more waiting callers go to the next batch.
    private const int MaxBatch = 256;

    private readonly Lock _gate = new();
    private List<Entry> _pending = [];
    private bool _running;

    /// <summary>The disk operations; tests swap in failing ones.</summary>
    public ISpoolFileSync Sync { get; set; } = SpoolFileSync.Instance;

    /// <summary>Number of batches committed or failed so far (diagnostics and tests).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    private long _batches;

    /// <summary>Messages handed in and not yet taken into a batch (diagnostics and tests).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>One message: its two temporary files and the names they get once durable.</summary>
    public sealed record Files(string ContentTemp, string Content, string EnvelopeTemp, string Envelope);

    /// <summary>Completes once the message is durable in the queue; throws (IOException) if its batch failed.</summary>
    public Task CommitAsync(Files files)
    {
        var entry = new Entry(files, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _pending.Add(entry);
            start = !_running;
            _running = true;
        }
        if (start)
        {
            // The system calls block: keep them off the caller's continuation and off any session's thread.
            _ = Task.Run(Run);
        }
        return entry.Done.Task;
    }

    private void Run()
    {
        while (true)
        {
            List<Entry> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }
                if (_pending.Count <= MaxBatch)
                {
                    batch = _pending;
                    _pending = [];
                }
                else
                {
                    batch = _pending[..MaxBatch];
                    _pending.RemoveRange(0, MaxBatch);
                }
            }
            Commit(batch);
            Interlocked.Increment(ref _batches);
        }
    }

    private void Commit(List<Entry> batch)
    {
        try
        {
            SyncFiles(batch);
            foreach (var entry in batch)
            {
                // Content first: an envelope in place always has its content beside it.
                File.Move(entry.Files.ContentTemp, entry.Files.Content);
                File.Move(entry.Files.EnvelopeTemp, entry.Files.Envelope);
            }
            Sync.SyncDirectory(directory);
        }
        catch (Exception ex)
        {
            foreach (var entry in batch)
            {
                Discard(entry);
                entry.Done.TrySetException(ex);
            }
            return;
        }
        foreach (var entry in batch)
        {
            entry.Done.TrySetResult();
        }
    }

    private void SyncFiles(List<Entry> batch)
    {
        // Reopened by name: the writers have closed their streams. fdatasync through any descriptor of
        // the file flushes the file, and Linux reports a writeback error nobody has seen yet to a new one.
        var handles = new List<Microsoft.Win32.SafeHandles.SafeFileHandle>(batch.Count * 2);
        try
        {
            foreach (var entry in batch)
            {
                handles.Add(File.OpenHandle(entry.Files.ContentTemp, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                handles.Add(File.OpenHandle(entry.Files.EnvelopeTemp, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            }
            foreach (var handle in handles)
            {
                Sync.StartWriteback(handle);
            }
            foreach (var handle in handles)
            {
                Sync.DataSync(handle);
            }
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>
    /// A message of a failed batch was never acknowledged: remove it, envelope first, so no worker
    /// delivers it later (the ids are new, so these names belong to this message only).
    /// </summary>
    private static void Discard(Entry entry)
    {
        foreach (var path in new[] { entry.Files.Envelope, entry.Files.EnvelopeTemp, entry.Files.Content, entry.Files.ContentTemp })
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort on a failing disk; start-up deletes leftover .tmp files.
            }
        }
    }

    private sealed class Entry(Files files, TaskCompletionSource done)
    {
        public Files Files { get; } = files;
        public TaskCompletionSource Done { get; } = done;
    }
}
