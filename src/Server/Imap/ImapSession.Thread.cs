namespace MailHost.Server.Imap;

/// <summary>THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3): THREAD algorithm charset search-keys.</summary>
internal sealed partial class ImapSession
{
    private async Task ThreadAsync(string tag, bool uid, ImapReader r, CancellationToken ct)
    {
        r.Space();
        var algorithm = r.Atom().ToUpperInvariant();
        if (algorithm is not ("ORDEREDSUBJECT" or "REFERENCES"))
        {
            throw new ImapParseException($"unknown threading algorithm {algorithm}");
        }
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
        var items = await LoadMatchesAsync(query, withHeaders: true, ct);
        var threads = algorithm == "REFERENCES" ? ThreadBuilder.References(items) : ThreadBuilder.OrderedSubject(items);
        var list = ThreadBuilder.Format(threads, uid ? i => i.Entry.Uid : i => i.Seq);
        _out.Line(list.Length == 0 ? "* THREAD" : "* THREAD " + list);
        _out.Line($"{tag} OK {(uid ? "UID " : "")}THREAD completed");
    }
}
