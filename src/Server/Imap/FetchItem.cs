namespace MailHost.Server.Imap;

public enum FetchKind
{
    Uid,
    Flags,
    InternalDate,
    Rfc822Size,
    Envelope,
    Body,
    BodyStructure,
    Section,
    Binary,
    BinarySize,
    Rfc822,
    Rfc822Header,
    Rfc822Text,
    ModSeq,
    SaveDate,
    EmailId,
    ThreadId,
}

/// <summary>One FETCH data item (RFC 9051 §6.4.5), with its section and partial range when it has them.</summary>
public sealed record FetchItem(FetchKind Kind, string Section = "", bool Peek = true, long? PartialStart = null, long? PartialLength = null)
{
    public bool NeedsContent => Kind is not (FetchKind.Uid or FetchKind.Flags or FetchKind.InternalDate or FetchKind.Rfc822Size or FetchKind.ModSeq or FetchKind.SaveDate or FetchKind.EmailId);

    /// <summary>Marks the message \Seen when fetched from a read-write mailbox.</summary>
    public bool SetsSeen => Kind is FetchKind.Rfc822 or FetchKind.Rfc822Text || Kind is FetchKind.Section or FetchKind.Binary && !Peek;

    /// <summary>
    /// Items per FETCH: each item of each message is written in full, so a list of repeated
    /// BODY[] items multiplies the work by its length. Real clients send fewer than 20.
    /// </summary>
    public const int MaxItems = 100;

    /// <summary>Part numbers in a section ("1.2.3"): deeper than any message MimeParser builds, bounded so a path stays cheap.</summary>
    public const int MaxSectionParts = 128;

    public static List<FetchItem> ParseList(ImapReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var items = new List<FetchItem>();
        if (r.TryChar('('))
        {
            do
            {
                items.AddRange(ParseOne(r));
                if (items.Count > MaxItems)
                {
                    throw new ImapParseException($"too many FETCH items (limit {MaxItems})");
                }
            }
            while (r.TryChar(' '));
            r.Expect(')');
            return items;
        }
        return ParseOne(r);
    }

    private static List<FetchItem> ParseOne(ImapReader r)
    {
        var raw = r.Atom("[");
        var word = raw.ToUpperInvariant();
        switch (word)
        {
            case "ALL":
                return [new(FetchKind.Flags), new(FetchKind.InternalDate), new(FetchKind.Rfc822Size), new(FetchKind.Envelope)];
            case "FAST":
                return [new(FetchKind.Flags), new(FetchKind.InternalDate), new(FetchKind.Rfc822Size)];
            case "FULL":
                return [new(FetchKind.Flags), new(FetchKind.InternalDate), new(FetchKind.Rfc822Size), new(FetchKind.Envelope), new(FetchKind.Body)];
            case "UID":
                return [new(FetchKind.Uid)];
            case "FLAGS":
                return [new(FetchKind.Flags)];
            case "INTERNALDATE":
                return [new(FetchKind.InternalDate)];
            case "RFC822.SIZE":
                return [new(FetchKind.Rfc822Size)];
            case "ENVELOPE":
                return [new(FetchKind.Envelope)];
            case "BODYSTRUCTURE":
                return [new(FetchKind.BodyStructure)];
            case "BODY":
                return [new(FetchKind.Body)];
            case "RFC822":
                return [new(FetchKind.Rfc822, Peek: false)];
            case "RFC822.HEADER":
                return [new(FetchKind.Rfc822Header)];
            case "RFC822.TEXT":
                return [new(FetchKind.Rfc822Text, Peek: false)];
            case "MODSEQ":
                return [new(FetchKind.ModSeq)];
            case "SAVEDATE":
                return [new(FetchKind.SaveDate)];
            case "EMAILID":
                return [new(FetchKind.EmailId)];
            case "THREADID":
                return [new(FetchKind.ThreadId)];
        }
        // "]" ends an atom, so the section text (which may hold a list: "HEADER.FIELDS (A B)") is read up to it.
        var open = word.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            throw new ImapParseException($"unknown fetch item {word}");
        }
        var name = word[..open];
        var section = raw[(open + 1)..] + r.UntilCloseBracket();
        var kind = name switch
        {
            "BODY" or "BODY.PEEK" => FetchKind.Section,
            "BINARY" or "BINARY.PEEK" => FetchKind.Binary,
            "BINARY.SIZE" => FetchKind.BinarySize,
            _ => throw new ImapParseException($"unknown fetch item {name}"),
        };
        if (CountParts(section) > MaxSectionParts)
        {
            throw new ImapParseException($"section path too deep (limit {MaxSectionParts} parts)");
        }
        long? start = null, length = null;
        if (r.TryChar('<'))
        {
            start = (long)r.Number64();
            r.Expect('.');
            length = (long)r.Number64();
            r.Expect('>');
        }
        return [new FetchItem(kind, section, name.EndsWith(".PEEK", StringComparison.Ordinal) || kind == FetchKind.BinarySize, start, length)];
    }

    private static int CountParts(string section)
    {
        var parts = 0;
        var i = 0;
        while (i < section.Length && char.IsAsciiDigit(section[i]))
        {
            while (i < section.Length && char.IsAsciiDigit(section[i]))
            {
                i++;
            }
            parts++;
            if (i < section.Length && section[i] == '.')
            {
                i++;
            }
        }
        return parts;
    }
}
