using System.Text;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// SORT (RFC 5256, with RFC 5957 DISPLAYFROM/DISPLAYTO) and ESORT (RFC 5267: SORT RETURN (MIN MAX
/// COUNT ALL) answered with ESEARCH), plus the search-and-load steps THREAD shares.
/// </summary>
internal sealed partial class ImapSession
{
    /// <summary>SORT [RETURN (opts)] (criteria) charset search-keys.</summary>
    private async Task SortAsync(string tag, bool uid, ImapReader r, CancellationToken ct)
    {
        r.Space();
        HashSet<string>? returns = null;
        if (r.Peek() is 'R' or 'r')
        {
            if (!r.Atom().Equals("RETURN", StringComparison.OrdinalIgnoreCase))
            {
                throw new ImapParseException("expected RETURN or sort criteria");
            }
            r.Space();
            returns = ReadSortReturn(r);
            r.Space();
        }
        var keys = SortKeys.Parse(r);
        r.Space();
        var charset = r.AString();
        r.Space();
        var query = SearchQuery.Parse(r);
        r.End();
        if (!CharsetSupported(charset))
        {
            _out.Line($"{tag} NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset");
            return;
        }
        await SyncAsync(allowExpunge: uid, ct);
        var items = await LoadMatchesAsync(query, keys.NeedsHeaders, ct);
        items.Sort(keys);
        var numbers = items.Select(m => uid ? m.Entry.Uid : m.Seq).ToList();
        if (returns is null)
        {
            _out.Line("* SORT" + string.Concat(numbers.Select(n => " " + n.ToString(CultureInfo.InvariantCulture))));
        }
        else
        {
            _out.Line(EsortLine(tag, uid, returns, numbers));
        }
        _out.Line($"{tag} OK {(uid ? "UID " : "")}SORT completed");
    }

    /// <summary>RETURN (MIN MAX COUNT ALL); an empty list means ALL (RFC 4731 §3.1, RFC 5267 §3.2).</summary>
    private static HashSet<string> ReadSortReturn(ImapReader r)
    {
        r.Expect('(');
        var returns = new HashSet<string>(StringComparer.Ordinal);
        while (!r.TryChar(')'))
        {
            r.TryChar(' ');
            var option = r.Atom().ToUpperInvariant();
            if (option is not ("MIN" or "MAX" or "COUNT" or "ALL"))
            {
                throw new ImapParseException($"unknown RETURN option {option}");
            }
            returns.Add(option);
        }
        if (returns.Count == 0)
        {
            returns.Add("ALL");
        }
        return returns;
    }

    /// <summary>
    /// RFC 5267 §3.2: MIN and MAX are the first and last message in sort order (not the numerically
    /// smallest), ALL lists the matches in sort order.
    /// </summary>
    private static string EsortLine(string tag, bool uid, HashSet<string> returns, List<long> numbers)
    {
        var sb = new StringBuilder($"* ESEARCH (TAG \"{tag}\")");
        if (uid)
        {
            sb.Append(" UID");
        }
        if (returns.Contains("MIN") && numbers.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" MIN {numbers[0]}");
        }
        if (returns.Contains("MAX") && numbers.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" MAX {numbers[^1]}");
        }
        if (returns.Contains("ALL") && numbers.Count > 0)
        {
            sb.Append(" ALL ").Append(OrderedSet(numbers));
        }
        if (returns.Contains("COUNT"))
        {
            sb.Append(CultureInfo.InvariantCulture, $" COUNT {numbers.Count}");
        }
        return sb.ToString();
    }

    /// <summary>A sequence-set that keeps the given order: only ascending runs of consecutive numbers become ranges.</summary>
    private static string OrderedSet(List<long> numbers)
    {
        var parts = new List<string>();
        var i = 0;
        while (i < numbers.Count)
        {
            var j = i;
            while (j + 1 < numbers.Count && numbers[j + 1] == numbers[j] + 1)
            {
                j++;
            }
            parts.Add(j == i ? numbers[i].ToString(CultureInfo.InvariantCulture) : $"{numbers[i]}:{numbers[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>SORT and THREAD name a charset for the search strings: UTF-8 and US-ASCII (a subset) are the ones we take.</summary>
    private static bool CharsetSupported(string charset) =>
        charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase);

    /// <summary>The selected messages matching <paramref name="query"/>, with their headers when <paramref name="withHeaders"/>.</summary>
    private async Task<List<SortItem>> LoadMatchesAsync(SearchQuery query, bool withHeaders, CancellationToken ct)
    {
        var messages = Selected.Messages;
        var maxUid = Selected.MaxUid;
        var result = new List<SortItem>();
        for (var i = 0; i < messages.Count; i++)
        {
            var candidate = new SearchCandidate(messages[i], i + 1, messages.Count, maxUid)
            {
                Recent = !_rev2 && Selected.Recent.Contains(messages[i].Uid),
            };
            if (query.NeedsContent)
            {
                candidate.Content = await ReadOrEmptyAsync(messages[i], ct);
            }
            if (!query.Match(candidate))
            {
                continue;
            }
            var headers = withHeaders ? await MessageHeaders.ReadAsync(_store.Files.FullPath(messages[i].File), ct) : MessageHeaders.Empty;
            result.Add(new SortItem(i + 1, messages[i], headers));
        }
        return result;
    }

    /// <summary>A message's bytes for content search keys; a file another session just expunged reads as empty (it cannot match).</summary>
    private async Task<ReadOnlyMemory<byte>> ReadOrEmptyAsync(MessageEntry entry, CancellationToken ct)
    {
        try
        {
            return await _store.Files.ReadAsync(entry.File, ct);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
    }
}
