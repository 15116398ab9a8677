using MailHost.Server.Mime;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>
/// Builds and uses <see cref="MessageCache"/> rows: the ENVELOPE, BODY and BODYSTRUCTURE bytes exactly
/// as the formatters write them, in 7-bit form and (only when it differs) UTF-8 form, plus the end of
/// the top-level header so BODY[HEADER] and HEADER.FIELDS read just that prefix of the file.
/// </summary>
internal static partial class FetchCache
{
    /// <summary>
    /// The format of the cached bytes. Bump it whenever EnvelopeFormatter, BodyStructureFormatter or the
    /// MIME parser change what they write: rows of another version are misses and get rebuilt.
    /// </summary>
    public const int Version = 1;

    public static CachedMessage Build(byte[] content, MimeEntity parsed)
    {
        var ascii = new ImapResponse();
        var utf8 = new ImapResponse { Utf8 = true };
        var envelope = Render(ascii, utf8, r => EnvelopeFormatter.Write(r, parsed));
        var body = Render(ascii, utf8, r => BodyStructureFormatter.Write(r, parsed, content, extensions: false));
        var structure = Render(ascii, utf8, r => BodyStructureFormatter.Write(r, parsed, content, extensions: true));
        // -1: the header does not start the file (never seen; kept exact anyway), so header sections parse the file.
        return new CachedMessage(Version, parsed.HeaderOffset == 0 ? parsed.HeaderLength : -1, envelope.Ascii, envelope.Utf8, body.Ascii, body.Utf8, structure.Ascii, structure.Utf8);
    }

    private static (byte[] Ascii, byte[]? Utf8) Render(ImapResponse ascii, ImapResponse utf8, Action<ImapResponse> write)
    {
        ascii.Clear();
        utf8.Clear();
        write(ascii);
        write(utf8);
        var a = ascii.Written.ToArray();
        return (a, utf8.Written.Span.SequenceEqual(a) ? null : utf8.Written.ToArray());
    }

    /// <summary>Whether the cache row can answer this item, alone or with a read of the top-level header.</summary>
    public static bool Answers(FetchItem item) => item.Kind switch
    {
        FetchKind.Envelope or FetchKind.Body or FetchKind.BodyStructure or FetchKind.Rfc822Header => true,
        FetchKind.Section => IsTopHeader(item.Section),
        _ => false,
    };

    /// <summary>Items answered from the cache row alone, with no file read at all.</summary>
    public static bool AnswersWithoutFile(FetchItem item) => item.Kind is FetchKind.Envelope or FetchKind.Body or FetchKind.BodyStructure;

    /// <summary>HEADER, HEADER.FIELDS (…) or HEADER.FIELDS.NOT (…) of the message itself (no part number).</summary>
    public static bool IsTopHeader(string section) => section.StartsWith("HEADER", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(8301, LogLevel.Warning, "IMAP session {Session}: could not store FETCH cache rows: {Reason}", EventName = "ImapFetchCacheWriteFailed")]
    public static partial void CacheWriteFailed(ILogger logger, string session, string reason);
}

/// <summary>The store's hook: rows written with the message at APPEND and local delivery, so the first FETCH is already a row read.</summary>
internal sealed class FetchCacheBuilder : IMessageCacheBuilder
{
    public CachedMessage Build(byte[] content) => FetchCache.Build(content, MimeParser.Parse(content));
}
