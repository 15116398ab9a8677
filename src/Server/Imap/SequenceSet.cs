namespace MailHost.Server.Imap;

/// <summary>An IMAP sequence set ("1:3,7,10:*", RFC 9051 §9 sequence-set); "*" is the largest number in use.</summary>
public sealed class SequenceSet
{
    private readonly List<(long From, long To)> _ranges;

    private SequenceSet(List<(long, long)> ranges, bool saved)
    {
        _ranges = ranges;
        IsSaved = saved;
    }

    /// <summary>"$": the result of the last SEARCH (RFC 5182), resolved by the session.</summary>
    public bool IsSaved { get; }

    public static SequenceSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "$")
        {
            return new SequenceSet([], true);
        }
        var ranges = new List<(long, long)>();
        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                var n = Value(part);
                ranges.Add((n, n));
            }
            else
            {
                ranges.Add((Value(part[..colon]), Value(part[(colon + 1)..])));
            }
        }
        return new SequenceSet(ranges, false);
    }

    private static long Value(string s)
    {
        if (s == "*")
        {
            return -1;
        }
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n == 0 || n > uint.MaxValue)
        {
            throw new ImapParseException("bad sequence set");
        }
        return n;
    }

    /// <summary>Whether <paramref name="value"/> is in the set when "*" means <paramref name="max"/>.</summary>
    public bool Contains(long value, long max)
    {
        foreach (var (from, to) in _ranges)
        {
            var a = from < 0 ? max : from;
            var b = to < 0 ? max : to;
            if (a > b)
            {
                (a, b) = (b, a);
            }
            if (value >= a && value <= b)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The ranges with "*" as <paramref name="max"/>, each low to high (they may overlap; not sorted).</summary>
    public IEnumerable<(long From, long To)> Ranges(long max)
    {
        foreach (var (from, to) in _ranges)
        {
            var a = from < 0 ? max : from;
            var b = to < 0 ? max : to;
            yield return a <= b ? (a, b) : (b, a);
        }
    }

    public static string Format(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count; i++)
        {
            var start = sorted[i];
            while (i + 1 < sorted.Count && sorted[i + 1] == sorted[i] + 1)
            {
                i++;
            }
            parts.Add(start == sorted[i] ? start.ToString(CultureInfo.InvariantCulture) : $"{start}:{sorted[i]}");
        }
        return string.Join(',', parts);
    }
}
