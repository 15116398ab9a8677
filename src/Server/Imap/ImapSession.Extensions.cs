namespace MailHost.Server.Imap;

/// <summary>Capabilities of the extensions in their own partial files (SORT, THREAD, QRESYNC, COMPRESS), each listed only once complete.</summary>
internal sealed partial class ImapSession
{
    private IEnumerable<string> ExtensionCapabilities =>
        ["SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "QRESYNC", "SAVEDATE", "OBJECTID", "NOTIFY",
            .. _account is not null && !Compressed ? ["COMPRESS=DEFLATE"] : Array.Empty<string>()];
}
