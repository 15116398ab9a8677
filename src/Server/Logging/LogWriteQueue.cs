namespace MailHost.Server.Logging;

/// <summary>
/// The log writer's bounded in-memory queue with two lanes. Admin-relevant records (refusals, bounces,
/// authentication and handshake failures) are read first and, when the queue is full, evict a routine
/// record instead of being dropped; routine records are dropped when full. Every drop is counted.
/// </summary>
public sealed class LogWriteQueue(int capacity) : IDisposable
{
    private readonly Queue<object> _important = new();
    private readonly Queue<object> _routine = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private long _droppedRoutine;
    private long _droppedImportant;
    private int _signaled;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Routine records dropped because the queue was full.</summary>
    public long DroppedRoutine => Interlocked.Read(ref _droppedRoutine);

    /// <summary>Admin-relevant records dropped (only when the whole queue holds admin-relevant records).</summary>
    public long DroppedImportant => Interlocked.Read(ref _droppedImportant);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _important.Count + _routine.Count;
            }
        }
    }

    /// <summary>Never blocks the caller (a session); returns false when the record was dropped.</summary>
    public bool TryAdd(object record, bool important)
    {
        lock (_lock)
        {
            if (_important.Count + _routine.Count >= Capacity)
            {
                if (!important)
                {
                    _droppedRoutine++;
                    return false;
                }
                if (_routine.Count == 0)
                {
                    _droppedImportant++;
                    return false;
                }
                _routine.Dequeue();
                _droppedRoutine++;
            }
            (important ? _important : _routine).Enqueue(record);
        }
        // One pending wake-up is enough: the writer drains everything it finds.
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
        return true;
    }

    /// <summary>Takes up to <paramref name="max"/> records, admin-relevant ones first.</summary>
    public int TakeBatch(List<object> into, int max)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_lock)
        {
            var taken = 0;
            while (taken < max && (_important.TryDequeue(out var item) || _routine.TryDequeue(out item)))
            {
                into.Add(item);
                taken++;
            }
            return taken;
        }
    }

    /// <summary>Waits until at least one record was added since the last wait (or the token fires).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(cancellationToken);
        Interlocked.Exchange(ref _signaled, 0);
    }

    public void Dispose() => _signal.Dispose();
}
