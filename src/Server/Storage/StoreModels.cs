namespace MailHost.Server.Storage;

/// <summary>A mailbox row: its UID bookkeeping (RFC 9051 §2.3.1.1) and folder attributes.</summary>
public sealed record MailboxInfo(long Id, string Account, string Name, long UidValidity, long UidNext, bool Subscribed, string? SpecialUse, long HighestModSeq);

/// <summary>One message in a mailbox as the index knows it.</summary>
public sealed record MessageEntry(long Uid, long Size, DateTimeOffset InternalDate, IReadOnlyList<string> Flags, string File, long ModSeq)
{
    /// <summary>When the message was saved into this mailbox (RFC 8514); null for rows older than the column.</summary>
    public DateTimeOffset? SaveDate { get; init; }

    public bool Has(string flag) => Flags.Contains(flag, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Counts for STATUS and SELECT.</summary>
public sealed record MailboxCounts(int Messages, int Unseen, int Deleted, long Size, int FirstUnseenSeq);

public enum FlagMode
{
    Replace,
    Add,
    Remove,
}

public enum StoreError
{
    None,
    NotFound,
    AlreadyExists,
    Invalid,
    OverQuota,
    HasChildren,
}

public sealed record AppendResult(StoreError Error, long UidValidity, long Uid);

public sealed record CopyResult(StoreError Error, long UidValidity, IReadOnlyList<long> SourceUids, IReadOnlyList<long> DestinationUids);

/// <summary>A flag change made by a STORE, to answer with FETCH FLAGS.</summary>
public sealed record FlagChange(long Uid, IReadOnlyList<string> Flags, long ModSeq);
