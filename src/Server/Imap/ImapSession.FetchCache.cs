using MailHost.Server.Storage;
using Microsoft.Data.Sqlite;

namespace MailHost.Server.Imap;

/// <summary>FETCH answered from the message cache (see <see cref="FetchCache"/>): a row read, plus the header bytes when a header section is asked for.</summary>
internal sealed partial class ImapSession
{
    /// <summary>One "* n FETCH (…)" line; false when the file is gone and header bytes were needed.</summary>
    private async Task<bool> WriteFetchFromCacheAsync(int seq, MessageEntry entry, IReadOnlyList<FetchItem> items, CachedMessage row, bool fileless, CancellationToken ct)
    {
        if (fileless)
        {
            await WriteFetchResponseAsync(seq, entry, items, null, row, null, ct);
            return true;
        }
        await using var message = FetchedMessage.TryOpen(_store.Files.FullPath(entry.File));
        if (message is null)
        {
            return false;
        }
        var header = await message.ReadPrefixAsync(row.HeaderLength, ct);
        await WriteFetchResponseAsync(seq, entry, items, message, row, header, ct);
        return true;
    }

    private async Task WriteFetchResponseAsync(int seq, MessageEntry entry, IReadOnlyList<FetchItem> items, FetchedMessage? message, CachedMessage? row, byte[]? header, CancellationToken ct)
    {
        _out.Raw($"* {seq} FETCH (");
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                _out.Raw(" ");
            }
            first = false;
            if (row is null || !await WriteCachedItemAsync(item, row, header, ct))
            {
                await WriteFetchItemAsync(item, entry, message, ct);
            }
        }
        _out.Raw(")\r\n");
        if (_out.Length > 256 * 1024)
        {
            await FlushAsync(ct);
        }
    }

    /// <summary>Writes the item from the cache row when it can; false leaves it to <see cref="WriteFetchItemAsync"/>.</summary>
    private async Task<bool> WriteCachedItemAsync(FetchItem item, CachedMessage row, byte[]? header, CancellationToken ct)
    {
        switch (item.Kind)
        {
            case FetchKind.Envelope:
                _out.Raw("ENVELOPE ").Raw(row.EnvelopeFor(_out.Utf8));
                return true;
            case FetchKind.Body:
                _out.Raw("BODY ").Raw(row.BodyFor(_out.Utf8));
                return true;
            case FetchKind.BodyStructure:
                _out.Raw("BODYSTRUCTURE ").Raw(row.BodyStructureFor(_out.Utf8));
                return true;
            case FetchKind.Rfc822Header when header is not null:
                _out.Raw("RFC822.HEADER ");
                await WriteLiteralAsync(header, ct);
                return true;
            case FetchKind.Section when header is not null && FetchCache.IsTopHeader(item.Section):
                await WritePartialAsync("BODY", item, null, SectionExtractor.ExtractTopHeader(header, item.Section), ct);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Stores rows built during this FETCH; the cache is an optimisation, so a failed write only costs the next FETCH a parse.</summary>
    private async Task SaveCacheRowsAsync(List<(string File, CachedMessage Entry)> rows, CancellationToken ct)
    {
        try
        {
            await _store.Cache.PutAsync(rows, ct);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            FetchCache.CacheWriteFailed(_logger, _conn.Id, ex.Message);
        }
    }
}
