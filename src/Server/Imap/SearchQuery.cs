using System.Text;
using MailHost.Server.Mime;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>What a search key sees of one message; the content is loaded only when a key needs it.</summary>
public sealed class SearchCandidate(MessageEntry entry, long seq, long maxSeq, long maxUid)
{
    public MessageEntry Entry => entry;
    public long Seq => seq;
    public long MaxSeq => maxSeq;
    public long MaxUid => maxUid;
    public ReadOnlyMemory<byte> Content { get; set; }
    public bool Recent { get; set; }
    private MimeEntity? _parsed;
    public MimeEntity Parsed => _parsed ??= MimeParser.Parse(Content);
}

/// <summary>A parsed SEARCH program (RFC 9051 §6.4.4): a predicate over messages plus whether it reads content.</summary>
public sealed class SearchQuery
{
    /// <summary>
    /// Nesting limit for "(", NOT and OR: parsing and matching recurse once per level, and a stack
    /// overflow cannot be caught in .NET, so one deep SEARCH would end the whole process. Real
    /// clients nest a few levels (long OR chains for filters stay far below this).
    /// </summary>
    public const int MaxDepth = 256;

    private SearchQuery(Func<SearchCandidate, bool> match, bool needsContent)
    {
        Match = match;
        NeedsContent = needsContent;
    }

    public Func<SearchCandidate, bool> Match { get; }
    public bool NeedsContent { get; }

    /// <summary>Whether a MODSEQ key is used (RFC 7162 §3.1.5), so the response carries (MODSEQ n).</summary>
    public bool UsesModSeq { get; private init; }

    /// <summary>SEARCH arguments: [RETURN (options)] [CHARSET name] keys (RFC 4731, RFC 9051 §6.4.4).</summary>
    public static SearchQuery ParseWithPrefix(ImapReader reader, out List<string>? returnOptions, out string? charset)
    {
        ArgumentNullException.ThrowIfNull(reader);
        returnOptions = null;
        charset = null;
        while (true)
        {
            var mark = reader.Position;
            var word = reader.Peek() is >= 'A' and <= 'z' ? reader.Atom().ToUpperInvariant() : "";
            if (word == "RETURN")
            {
                reader.Space();
                reader.Expect('(');
                returnOptions = [];
                while (!reader.TryChar(')'))
                {
                    reader.TryChar(' ');
                    returnOptions.Add(reader.Atom());
                }
                reader.Space();
            }
            else if (word == "CHARSET")
            {
                reader.Space();
                charset = reader.AString();
                reader.Space();
            }
            else
            {
                reader.Position = mark;
                return Parse(reader);
            }
        }
    }

    /// <summary>Parses keys until the end of the command (all keys are ANDed).</summary>
    public static SearchQuery Parse(ImapReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var keys = new List<SearchQuery>();
        do
        {
            keys.Add(Key(reader, 0));
        }
        while (reader.TryChar(' '));
        return And(keys);
    }

    private static SearchQuery And(List<SearchQuery> keys) =>
        keys.Count == 1 ? keys[0] : new SearchQuery(c => keys.All(k => k.Match(c)), keys.Any(k => k.NeedsContent)) { UsesModSeq = keys.Any(k => k.UsesModSeq) };

    private static SearchQuery Flag(string flag, bool present) => new(c => c.Entry.Has(flag) == present, false);

    private static SearchQuery Meta(Func<SearchCandidate, bool> f) => new(f, false);

    private static SearchQuery Content(Func<SearchCandidate, bool> f) => new(f, true);

    private static SearchQuery Key(ImapReader r, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new ImapParseException($"search keys nested too deeply (limit {MaxDepth})");
        }
        if (r.TryChar('('))
        {
            var keys = new List<SearchQuery> { Key(r, depth + 1) };
            while (r.TryChar(' '))
            {
                keys.Add(Key(r, depth + 1));
            }
            r.Expect(')');
            return And(keys);
        }
        if (r.Peek() is >= '0' and <= '9' or '*' or '$')
        {
            var set = r.SequenceSet();
            return Meta(c => set.Contains(c.Seq, c.MaxSeq));
        }
        var word = r.Atom().ToUpperInvariant();
        switch (word)
        {
            case "ALL":
                return Meta(_ => true);
            case "ANSWERED":
                return Flag(Flags.Answered, true);
            case "DELETED":
                return Flag(Flags.Deleted, true);
            case "DRAFT":
                return Flag(Flags.Draft, true);
            case "FLAGGED":
                return Flag(Flags.Flagged, true);
            case "SEEN":
                return Flag(Flags.Seen, true);
            case "UNANSWERED":
                return Flag(Flags.Answered, false);
            case "UNDELETED":
                return Flag(Flags.Deleted, false);
            case "UNDRAFT":
                return Flag(Flags.Draft, false);
            case "UNFLAGGED":
                return Flag(Flags.Flagged, false);
            case "UNSEEN":
                return Flag(Flags.Seen, false);
            // \Recent belongs to the session (RFC 3501 §2.3.2), which marks the candidate; NEW is RECENT UNSEEN.
            case "RECENT":
                return Meta(c => c.Recent);
            case "NEW":
                return Meta(c => c.Recent && !c.Entry.Has(Flags.Seen));
            case "OLD":
                return Meta(c => !c.Recent);
            case "KEYWORD":
                r.Space();
                var keyword = r.Atom();
                return Flag(keyword, true);
            case "UNKEYWORD":
                r.Space();
                var unkeyword = r.Atom();
                return Flag(unkeyword, false);
            case "NOT":
                r.Space();
                var inner = Key(r, depth + 1);
                return new SearchQuery(c => !inner.Match(c), inner.NeedsContent) { UsesModSeq = inner.UsesModSeq };
            case "OR":
                r.Space();
                var a = Key(r, depth + 1);
                r.Space();
                var b = Key(r, depth + 1);
                return new SearchQuery(c => a.Match(c) || b.Match(c), a.NeedsContent || b.NeedsContent) { UsesModSeq = a.UsesModSeq || b.UsesModSeq };
            case "LARGER":
                r.Space();
                var larger = r.Number64();
                return Meta(c => (ulong)c.Entry.Size > larger);
            case "SMALLER":
                r.Space();
                var smaller = r.Number64();
                return Meta(c => (ulong)c.Entry.Size < smaller);
            case "MODSEQ":
                // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type-req] mod-sequence; per-flag entries are all the message's modseq here.
                r.Space();
                if (r.Peek() == '"')
                {
                    _ = r.String();
                    r.Space();
                    _ = r.Atom();
                    r.Space();
                }
                var modSeq = r.Number64();
                return new SearchQuery(c => (ulong)c.Entry.ModSeq >= modSeq, false) { UsesModSeq = true };
            case "UID":
                r.Space();
                var uids = r.SequenceSet();
                return Meta(c => uids.Contains(c.Entry.Uid, c.MaxUid));
            case "BEFORE" or "ON" or "SINCE":
                r.Space();
                var date = r.Date();
                return Meta(c => CompareDate(DateOnly.FromDateTime(c.Entry.InternalDate.UtcDateTime), date, word));
            case "SAVEDBEFORE" or "SAVEDON" or "SAVEDSINCE":
                // RFC 8514 §4.3; a row older than the save-date column is judged by its internal date.
                r.Space();
                var saved = r.Date();
                var savedOp = word[5..];
                return Meta(c => CompareDate(DateOnly.FromDateTime((c.Entry.SaveDate ?? c.Entry.InternalDate).UtcDateTime), saved, savedOp));
            case "EMAILID":
                // RFC 8474 §6: exact match of the object id (an atom; clients such as imapflow quote it).
                r.Space();
                var emailId = r.AString();
                return Meta(c => ObjectIds.EmailId(c.Entry.File).Equals(emailId, StringComparison.Ordinal));
            case "THREADID":
                r.Space();
                var threadId = r.AString();
                return Content(c => ObjectIds.ThreadId(MessageHeaders.ParseMessage(c.Content.Span), c.Entry.File).Equals(threadId, StringComparison.Ordinal));
            case "SAVEDATESUPPORTED":
                // Every mailbox here records save dates.
                return Meta(_ => true);
            case "SENTBEFORE" or "SENTON" or "SENTSINCE":
                r.Space();
                var sent = r.Date();
                var op = word[4..];
                return Content(c => SentDate(c) is { } d && CompareDate(d, sent, op));
            case "FROM" or "TO" or "CC" or "BCC" or "SUBJECT":
                r.Space();
                var value = r.AString();
                var field = word switch { "FROM" => "From", "TO" => "To", "CC" => "Cc", "BCC" => "Bcc", _ => "Subject" };
                return field == "Subject" ? Content(c => HeaderContains(c.Parsed, field, value)) : Content(c => AddressContains(c.Parsed, field, value));
            case "HEADER":
                r.Space();
                var name = r.AString();
                r.Space();
                var text = r.AString();
                return Content(c => HeaderContains(c.Parsed, name, text));
            case "BODY":
                r.Space();
                var bodyText = r.AString();
                return Content(c => BodyContains(c, c.Parsed, bodyText));
            case "TEXT":
                r.Space();
                var anyText = r.AString();
                return Content(c => c.Parsed.Headers.Any(h => Contains(h.DecodedValue, anyText) || Contains(h.Name, anyText)) || BodyContains(c, c.Parsed, anyText));
            default:
                throw new ImapParseException($"unknown search key {word}");
        }
    }

    private static bool CompareDate(DateOnly value, DateOnly key, string op) => op switch
    {
        "BEFORE" => value < key,
        "ON" => value == key,
        _ => value >= key,
    };

    private static DateOnly? SentDate(SearchCandidate c)
    {
        var header = c.Parsed.Header("Date");
        return header is not null && MimeKit.Utils.DateUtils.TryParse(header, out var d) ? DateOnly.FromDateTime(d.DateTime) : null;
    }

    private static bool Contains(string haystack, string needle) => haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    private static bool HeaderContains(MimeEntity e, string name, string value) =>
        e.Headers.Any(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && (value.Length == 0 || Contains(h.DecodedValue, value)));

    /// <summary>Address keys match the header text or any parsed address, so comments inside an address do not hide it.</summary>
    private static bool AddressContains(MimeEntity e, string name, string value) =>
        HeaderContains(e, name, value) || e.Headers.Any(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            && AddressParser.Parse(h.Value).Any(a => Contains(a.Address, value) || a.Name is { } n && Contains(n, value)));

    private static bool BodyContains(SearchCandidate c, MimeEntity e, string value)
    {
        if (e.IsMultipart)
        {
            return e.Children.Any(child => BodyContains(c, child, value));
        }
        if (e.IsMessage && e.Message is { } inner)
        {
            return inner.Headers.Any(h => Contains(h.DecodedValue, value)) || BodyContains(c, inner, value);
        }
        if (e.MediaType is not ("text" or "message"))
        {
            return false;
        }
        var raw = c.Content.Span.Slice(e.BodyOffset, e.BodyLength);
        var decoded = TransferEncoding.Decode(raw, e.TransferEncoding);
        var charset = Charsets.Find(e.ContentType.Get("charset") ?? "utf-8") ?? Encoding.UTF8;
        return Contains(charset.GetString(decoded), value);
    }
}
