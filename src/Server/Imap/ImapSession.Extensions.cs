namespace MailHost.Server.Imap;

/// <summary>Capabilities of the extensions in their own partial files (SORT, THREAD, ...), each listed only once complete.</summary>
internal sealed partial class ImapSession
{
    private static readonly string[] ExtensionCapabilities = ["SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "QRESYNC"];
}
