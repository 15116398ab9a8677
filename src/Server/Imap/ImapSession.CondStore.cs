using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// CONDSTORE (RFC 7162 §3.1) over the mod-sequences the store keeps per message and mailbox:
/// SELECT (CONDSTORE), FETCH (CHANGEDSINCE), STORE (UNCHANGEDSINCE) with [MODIFIED], SEARCH MODSEQ,
/// and MODSEQ in every FETCH once the client has used any of these.
/// </summary>
internal sealed partial class ImapSession
{
    private bool _condStore;

    /// <summary>SELECT parameters: (CONDSTORE) enables CONDSTORE, QRESYNC (...) asks for a quick resync; others are refused (RFC 4466 §2.1).</summary>
    private QresyncSelect? ReadSelectParameters(ImapReader r)
    {
        QresyncSelect? qresync = null;
        r.Expect('(');
        while (!r.TryChar(')'))
        {
            r.TryChar(' ');
            var name = r.Atom().ToUpperInvariant();
            if (name == "QRESYNC")
            {
                qresync = ReadQresyncParameter(r);
            }
            else if (name != "CONDSTORE")
            {
                throw new ImapParseException($"unknown SELECT parameter {name}");
            }
            _condStore = true;
        }
        return qresync;
    }

    /// <summary>FETCH modifiers: (CHANGEDSINCE n [VANISHED]) (RFC 7162 §3.1.4.1, §3.2.6); returns the mod-sequence or null.</summary>
    private ulong? ReadFetchModifiers(ImapReader r, out bool vanished)
    {
        ulong? changedSince = null;
        vanished = false;
        r.Expect('(');
        while (!r.TryChar(')'))
        {
            r.TryChar(' ');
            var name = r.Atom().ToUpperInvariant();
            if (name == "VANISHED")
            {
                vanished = true;
                continue;
            }
            if (name != "CHANGEDSINCE")
            {
                throw new ImapParseException($"unknown FETCH modifier {name}");
            }
            r.Space();
            changedSince = r.Number64();
            _condStore = true;
        }
        return changedSince;
    }

    /// <summary>STORE modifiers: (UNCHANGEDSINCE n) (RFC 7162 §3.1.3).</summary>
    private ulong ReadStoreModifiers(ImapReader r)
    {
        r.Expect('(');
        var name = r.Atom().ToUpperInvariant();
        if (name != "UNCHANGEDSINCE")
        {
            throw new ImapParseException($"unknown STORE modifier {name}");
        }
        r.Space();
        var value = r.Number64();
        r.Expect(')');
        _condStore = true;
        return value;
    }

    /// <summary>" MODSEQ (n)" inside a FETCH response once CONDSTORE is on, else nothing.</summary>
    private string ModSeqText(MessageEntry message) => _condStore ? $" MODSEQ ({message.ModSeq})" : "";
}
