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

    /// <summary>(sequence number, message) pairs a sequence set or UID set names, in order.</summary>
    public List<(int Seq, MessageEntry Message)> Resolve(SequenceSet set, bool byUid)
    {
        var result = new List<(int, MessageEntry)>();
        var maxSeq = Messages.Count;
        var maxUid = MaxUid;
        for (var i = 0; i < Messages.Count; i++)
        {
            var m = Messages[i];
            if (byUid ? set.Contains(m.Uid, maxUid) : set.Contains(i + 1, maxSeq))
            {
                result.Add((i + 1, m));
            }
        }
        return result;
    }

    public void Dispose() => watch.Dispose();
}
