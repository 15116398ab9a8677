using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>A session's view of its selected mailbox: the messages it has announced, in sequence order.</summary>
internal sealed class SelectedMailbox(MailboxInfo info, bool readOnly, List<MessageEntry> messages, MailboxWatch watch, long version) : IDisposable
{
    public MailboxInfo Info { get; set; } = info;
    public bool ReadOnly => readOnly;
    public List<MessageEntry> Messages { get; } = messages;
    public MailboxWatch Watch => watch;
    public long Version { get; set; } = version;
    /// <summary>UIDs that are \Recent in this session (IMAP4rev1 only).</summary>
    public HashSet<long> Recent { get; } = [];

    /// <summary>Keywords this session has announced with FLAGS.</summary>
    public HashSet<string> Keywords { get; } = new(StringComparer.OrdinalIgnoreCase);

    public long MaxUid => Messages.Count == 0 ? 0 : Messages[^1].Uid;

    /// <summary>
    /// (sequence number, message) pairs a sequence set or UID set names, in order, each once. Found by
    /// binary search per range (messages are in UID order), not by testing every message: mbsync sends
    /// one UID FETCH per message, which made a linear scan quadratic in the mailbox size.
    /// </summary>
    public List<(int Seq, MessageEntry Message)> Resolve(SequenceSet set, bool byUid)
    {
        ArgumentNullException.ThrowIfNull(set);
        var intervals = new List<(int Lo, int Hi)>(); // index ranges, inclusive
        foreach (var (from, to) in set.Ranges(byUid ? MaxUid : Messages.Count))
        {
            var lo = byUid ? FirstIndexAtLeast(from) : (int)Math.Min(from - 1, Messages.Count);
            var hi = byUid ? FirstIndexAtLeast(to + 1) - 1 : (int)Math.Min(to, Messages.Count) - 1;
            if (lo <= hi)
            {
                intervals.Add((lo, hi));
            }
        }
        intervals.Sort();
        var result = new List<(int, MessageEntry)>();
        var next = 0; // first index not yet emitted: overlapping ranges name a message once
        foreach (var (lo, hi) in intervals)
        {
            for (var i = Math.Max(lo, next); i <= hi; i++)
            {
                result.Add((i + 1, Messages[i]));
            }
            next = Math.Max(next, hi + 1);
        }
        return result;
    }

    /// <summary>The index of the first message whose UID is ≥ <paramref name="uid"/> (Count when none).</summary>
    private int FirstIndexAtLeast(long uid)
    {
        int lo = 0, hi = Messages.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Messages[mid].Uid < uid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    public void Dispose() => watch.Dispose();
}
