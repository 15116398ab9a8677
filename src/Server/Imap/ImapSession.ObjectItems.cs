using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>FETCH items of the per-message attributes extensions add: SAVEDATE (RFC 8514), EMAILID and THREADID (RFC 8474).</summary>
internal sealed partial class ImapSession
{
    private void WriteObjectItem(FetchItem item, MessageEntry entry, FetchedMessage? message)
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
            case FetchKind.EmailId:
                _out.Raw($"EMAILID ({ObjectIds.EmailId(entry.File)})");
                break;
            case FetchKind.ThreadId:
                // The message is open and loaded (NeedsParse), so an expunged one never gets a made-up thread.
                _out.Raw($"THREADID ({ObjectIds.ThreadId(MessageHeaders.ParseMessage(message!.Content), entry.File)})");
                break;
        }
    }
}
