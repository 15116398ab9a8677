using MimeKit;
using MimeKit.Utils;

namespace MailHost.Server.Imap;

/// <summary>
/// The header values SORT and THREAD need (RFC 5256, RFC 5957), parsed with MimeKit from the
/// message's header section only: the file is read up to the blank line, at most
/// <see cref="MaxHeaderBytes"/> (MimeKit's header parser is quadratic in the size of one field, so
/// untrusted mail never reaches it unbounded).
/// </summary>
internal sealed record MessageHeaders(
    string Subject,
    MailboxAddress? From,
    MailboxAddress? To,
    MailboxAddress? Cc,
    DateTimeOffset? Date,
    string? MessageId,
    IReadOnlyList<string> References)
{
    public const int MaxHeaderBytes = 100 * 1024;

    public static readonly MessageHeaders Empty = new("", null, null, null, null, null, []);

    /// <summary>Reads and parses the header section of the message file; <see cref="Empty"/> when the file is gone.</summary>
    public static async Task<MessageHeaders> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] head;
        try
        {
            await using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            });
            var buffer = new byte[(int)Math.Min(file.Length, MaxHeaderBytes)];
            var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            head = buffer.AsSpan(0, HeaderEnd(buffer.AsSpan(0, read))).ToArray();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Empty;
        }
        return Parse(head);
    }

    /// <summary>Parses the header section at the start of a whole message in memory (bounded like <see cref="ReadAsync"/>).</summary>
    public static MessageHeaders ParseMessage(ReadOnlySpan<byte> message)
    {
        var head = message[..Math.Min(message.Length, MaxHeaderBytes)];
        return Parse(head[..HeaderEnd(head)].ToArray());
    }

    /// <summary>Parses a header section (bytes up to and including the blank line).</summary>
    public static MessageHeaders Parse(byte[] head)
    {
        HeaderList headers;
        try
        {
            using var stream = new MemoryStream(head, writable: false);
            headers = HeaderList.Load(ParserOptions.Default, stream);
        }
        catch (FormatException)
        {
            return Empty;
        }
        return new MessageHeaders(
            headers[HeaderId.Subject] ?? "",
            FirstMailbox(headers, HeaderId.From),
            FirstMailbox(headers, HeaderId.To),
            FirstMailbox(headers, HeaderId.Cc),
            DateOf(headers),
            MessageIdOf(headers),
            ReferencesOf(headers));
    }

    /// <summary>Length of the header section including its blank line; a truncated section ends at its last complete line.</summary>
    private static int HeaderEnd(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] != '\n')
            {
                continue;
            }
            if (i + 1 < data.Length && data[i + 1] == '\n')
            {
                return i + 2;
            }
            if (i + 2 < data.Length && data[i + 1] == '\r' && data[i + 2] == '\n')
            {
                return i + 3;
            }
        }
        var last = data.LastIndexOf((byte)'\n');
        return last < 0 ? data.Length : last + 1;
    }

    private static Header? First(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        return index < 0 ? null : headers[index];
    }

    private static MailboxAddress? FirstMailbox(HeaderList headers, HeaderId id) =>
        First(headers, id) is { } h && InternetAddressList.TryParse(ParserOptions.Default, h.RawValue, out var list)
            ? list.Mailboxes.FirstOrDefault()
            : null;

    private static DateTimeOffset? DateOf(HeaderList headers) =>
        First(headers, HeaderId.Date) is { } h && DateUtils.TryParse(h.RawValue, out var date) ? date : null;

    private static string? MessageIdOf(HeaderList headers) =>
        First(headers, HeaderId.MessageId) is { } h ? MimeUtils.EnumerateReferences(h.RawValue, 0, h.RawValue.Length).FirstOrDefault() : null;

    /// <summary>
    /// RFC 5256 §3 (REFERENCES step 1): the References ids, or when there are none, the first valid
    /// id of In-Reply-To.
    /// </summary>
    private static List<string> ReferencesOf(HeaderList headers)
    {
        if (First(headers, HeaderId.References) is { } refs)
        {
            var ids = MimeUtils.EnumerateReferences(refs.RawValue, 0, refs.RawValue.Length).ToList();
            if (ids.Count > 0)
            {
                return ids;
            }
        }
        if (First(headers, HeaderId.InReplyTo) is { } reply
            && MimeUtils.EnumerateReferences(reply.RawValue, 0, reply.RawValue.Length).FirstOrDefault() is { } parent)
        {
            return [parent];
        }
        return [];
    }
}
