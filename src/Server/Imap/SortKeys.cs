using System.Text;
using MailHost.Server.Storage;
using MimeKit;

namespace MailHost.Server.Imap;

/// <summary>One message as SORT and THREAD see it: sequence number, index entry and (when a key needs them) its headers.</summary>
internal sealed record SortItem(int Seq, MessageEntry Entry, MessageHeaders Headers)
{
    /// <summary>RFC 5256 §2.2 sent date: the Date header in UTC, the internal date when it is missing or unparsable.</summary>
    public DateTimeOffset SentDate => (Headers.Date ?? Entry.InternalDate).ToUniversalTime();
}

/// <summary>
/// SORT criteria (RFC 5256 §3 and RFC 5957 DISPLAYFROM/DISPLAYTO): parsing the criteria list and
/// comparing two messages by it, ties broken by sequence number as RFC 5256 requires.
/// </summary>
internal sealed class SortKeys : IComparer<SortItem>
{
    private static readonly string[] Known = ["ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"];

    private readonly List<(string Key, bool Reverse)> _keys;

    private SortKeys(List<(string Key, bool Reverse)> keys) => _keys = keys;

    /// <summary>Whether any key reads header fields (ARRIVAL and SIZE come from the index).</summary>
    public bool NeedsHeaders => _keys.Any(k => k.Key is not ("ARRIVAL" or "SIZE"));

    /// <summary>"(" sort-criterion *(SP sort-criterion) ")", sort-criterion = ["REVERSE" SP] sort-key.</summary>
    public static SortKeys Parse(ImapReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        r.Expect('(');
        var keys = new List<(string, bool)>();
        do
        {
            var word = r.Atom().ToUpperInvariant();
            var reverse = false;
            if (word == "REVERSE")
            {
                r.Space();
                word = r.Atom().ToUpperInvariant();
                reverse = true;
            }
            if (!Known.Contains(word))
            {
                throw new ImapParseException($"unknown sort key {word}");
            }
            keys.Add((word, reverse));
        }
        while (r.TryChar(' '));
        r.Expect(')');
        return new SortKeys(keys);
    }

    public int Compare(SortItem? x, SortItem? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        foreach (var (key, reverse) in _keys)
        {
            var c = CompareBy(key, x, y);
            if (c != 0)
            {
                return reverse ? -c : c;
            }
        }
        // RFC 5256 §3: equal keys are ordered by sequence number (REVERSE does not apply to the tie-break).
        return x.Seq.CompareTo(y.Seq);
    }

    private static int CompareBy(string key, SortItem x, SortItem y) => key switch
    {
        "ARRIVAL" => x.Entry.InternalDate.CompareTo(y.Entry.InternalDate),
        "SIZE" => x.Entry.Size.CompareTo(y.Entry.Size),
        "DATE" => x.SentDate.CompareTo(y.SentDate),
        "SUBJECT" => AsciiCasemap(BaseSubject.Extract(x.Headers.Subject).Base, BaseSubject.Extract(y.Headers.Subject).Base),
        "FROM" => AsciiCasemap(Mailbox(x.Headers.From), Mailbox(y.Headers.From)),
        "TO" => AsciiCasemap(Mailbox(x.Headers.To), Mailbox(y.Headers.To)),
        "CC" => AsciiCasemap(Mailbox(x.Headers.Cc), Mailbox(y.Headers.Cc)),
        "DISPLAYFROM" => UnicodeCasemap(Display(x.Headers.From), Display(y.Headers.From)),
        "DISPLAYTO" => UnicodeCasemap(Display(x.Headers.To), Display(y.Headers.To)),
        _ => 0,
    };

    /// <summary>RFC 5256: FROM/TO/CC sort on the addr-mailbox (local part) of the first address; missing is "".</summary>
    private static string Mailbox(MailboxAddress? address) => address?.LocalPart ?? "";

    /// <summary>RFC 5957 §3: the display name when present and not empty, else the addr-spec.</summary>
    private static string Display(MailboxAddress? address) =>
        address is null ? "" : !string.IsNullOrWhiteSpace(address.Name) ? address.Name.Trim() : address.Address;

    /// <summary>i;ascii-casemap (RFC 4790): ASCII letters fold to upper case, everything else compares as octets.</summary>
    public static int AsciiCasemap(string a, string b)
    {
        var x = Encoding.UTF8.GetBytes(a);
        var y = Encoding.UTF8.GetBytes(b);
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var cx = x[i] is >= (byte)'a' and <= (byte)'z' ? x[i] - 32 : x[i];
            var cy = y[i] is >= (byte)'a' and <= (byte)'z' ? y[i] - 32 : y[i];
            if (cx != cy)
            {
                return cx.CompareTo(cy);
            }
        }
        return x.Length.CompareTo(y.Length);
    }

    /// <summary>i;unicode-casemap (RFC 5051) approximated: NFKD, then case-folded ordinal comparison.</summary>
    public static int UnicodeCasemap(string a, string b) =>
        string.CompareOrdinal(a.Normalize(NormalizationForm.FormKD).ToUpperInvariant(), b.Normalize(NormalizationForm.FormKD).ToUpperInvariant());
}
