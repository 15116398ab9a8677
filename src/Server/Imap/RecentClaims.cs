using System.Collections.Concurrent;

namespace MailHost.Server.Imap;

/// <summary>
/// Who has seen a message first, for \Recent (RFC 3501 §2.3.2): per mailbox the highest UID some
/// IMAP4rev1 session has already claimed. A message is recent in exactly one session, the first
/// that selects (not examines) the mailbox after the message arrived. Kept in memory, as a
/// fresh Dovecot index does: after a restart the first session sees every message as recent.
/// </summary>
public sealed class RecentClaims
{
    private readonly ConcurrentDictionary<long, long> _claimed = new();

    /// <summary>The highest UID claimed so far (messages above it are still recent for whoever claims them).</summary>
    public long Peek(long mailboxId) => _claimed.GetValueOrDefault(mailboxId);

    /// <summary>Claims UIDs up to <paramref name="upToUid"/>; returns the previous mark, so the caller owns (previous, upToUid].</summary>
    public long Claim(long mailboxId, long upToUid)
    {
        while (true)
        {
            var previous = _claimed.GetOrAdd(mailboxId, 0);
            if (previous >= upToUid || _claimed.TryUpdate(mailboxId, upToUid, previous))
            {
                return previous;
            }
        }
    }
}
