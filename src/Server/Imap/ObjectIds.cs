using System.Security.Cryptography;
using System.Text;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// OBJECTID (RFC 8474) identifiers, derived from what the index already keeps, so no column and no
/// migration is needed and every existing message has them at once:
/// <list type="bullet">
/// <item>MAILBOXID: the row id with the mailbox's UIDVALIDITY. RENAME keeps both; a deleted
/// mailbox's row id may be reused by SQLite, but never with the same UIDVALIDITY (§4: never reused).</item>
/// <item>EMAILID: a hash of the stored file's path. COPY and MOVE share the file, so the copy keeps
/// the EMAILID (§5.1); the same bytes delivered or appended twice are two files and two EMAILIDs,
/// which §5.1 allows. A file path is never reused for other content, so an EMAILID never changes meaning.</item>
/// <item>THREADID: a hash of the thread root's Message-ID: the first References id, else In-Reply-To,
/// else the message's own Message-ID (a message without one is a thread of its own). It is
/// computed from the immutable header, so it is the same for every copy and never changes (§5.2).</item>
/// </list>
/// </summary>
internal static class ObjectIds
{
    public static string MailboxId(MailboxInfo box)
    {
        ArgumentNullException.ThrowIfNull(box);
        return string.Create(CultureInfo.InvariantCulture, $"F{box.Id}-{box.UidValidity}");
    }

    public static string EmailId(string file) => "M" + Hash(file);

    public static string ThreadId(MessageHeaders headers, string file)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var root = headers.References.Count > 0 ? headers.References[0] : headers.MessageId;
        return "T" + Hash(root is null ? "file:" + file : "id:" + root);
    }

    /// <summary>96 bits of SHA-256 in hex: far from collisions at any mailbox size, and only [0-9a-f] (RFC 8474 objectid).</summary>
    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..24];
}
