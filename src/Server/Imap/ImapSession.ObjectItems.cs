using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>FETCH items of the per-message attributes extensions add: SAVEDATE (RFC 8514).</summary>
internal sealed partial class ImapSession
{
    private void WriteObjectItem(FetchItem item, MessageEntry entry)
    {
        switch (item.Kind)
        {
            case FetchKind.SaveDate when entry.SaveDate is { } saved:
                _out.Raw("SAVEDATE ").String(FormatInternalDate(saved));
                break;
            case FetchKind.SaveDate:
                // RFC 8514 §4.2: NIL when the save date is not known (rows from before the column).
                _out.Raw("SAVEDATE NIL");
                break;
        }
    }
}
