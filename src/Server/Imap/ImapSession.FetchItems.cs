using MailHost.Server.Mime;
using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>FETCH data items (RFC 9051 §7.5.2) written for one message; literals of the message stream from its file.</summary>
internal sealed partial class ImapSession
{
    /// <summary>Items that need the MIME structure, so the message is read into memory once; BODY[] and RFC822 stream from the file.</summary>
    private static bool NeedsParse(FetchItem item) => item.Kind switch
    {
        FetchKind.Envelope or FetchKind.Body or FetchKind.BodyStructure or FetchKind.Rfc822Header or FetchKind.Rfc822Text or FetchKind.ThreadId => true,
        FetchKind.Section or FetchKind.Binary or FetchKind.BinarySize => item.Section.Length > 0,
        _ => false,
    };

    private async Task WriteFetchItemAsync(FetchItem item, MessageEntry entry, FetchedMessage? message, CancellationToken ct)
    {
        switch (item.Kind)
        {
            case FetchKind.Uid:
                _out.Raw($"UID {entry.Uid}");
                break;
            case FetchKind.Flags:
                _out.Raw($"FLAGS ({FlagText(entry)})");
                break;
            case FetchKind.ModSeq:
                _out.Raw($"MODSEQ ({entry.ModSeq})");
                break;
            case FetchKind.SaveDate or FetchKind.EmailId or FetchKind.ThreadId:
                WriteObjectItem(item, entry, message);
                break;
            case FetchKind.InternalDate:
                _out.Raw("INTERNALDATE ").String(FormatInternalDate(entry.InternalDate));
                break;
            case FetchKind.Rfc822Size:
                _out.Raw($"RFC822.SIZE {entry.Size}");
                break;
            case FetchKind.Envelope:
                _out.Raw("ENVELOPE ");
                EnvelopeFormatter.Write(_out, message!.Parsed);
                break;
            case FetchKind.Body or FetchKind.BodyStructure:
                _out.Raw(item.Kind == FetchKind.Body ? "BODY " : "BODYSTRUCTURE ");
                BodyStructureFormatter.Write(_out, message!.Parsed, message.Content, item.Kind == FetchKind.BodyStructure);
                break;
            case FetchKind.Rfc822:
                _out.Raw("RFC822 ");
                await WriteMessageLiteralAsync(message!, 0, message!.Length, ct);
                break;
            case FetchKind.Rfc822Header:
                _out.Raw("RFC822.HEADER ");
                await WriteLiteralAsync(SectionExtractor.Extract(message!.Content, message.Parsed, "HEADER"), ct);
                break;
            case FetchKind.Rfc822Text:
                _out.Raw("RFC822.TEXT ");
                await WriteLiteralAsync(SectionExtractor.Extract(message!.Content, message.Parsed, "TEXT"), ct);
                break;
            case FetchKind.Section or FetchKind.Binary when item.Section.Length == 0:
                // BODY[] / BINARY[] is the whole message: streamed from the file, never parsed or copied.
                await WritePartialAsync(item.Kind == FetchKind.Section ? "BODY" : "BINARY", item, message!, null, ct);
                break;
            case FetchKind.BinarySize when item.Section.Length == 0:
                _out.Raw($"BINARY.SIZE[] {message!.Length}");
                break;
            case FetchKind.Section:
                await WritePartialAsync("BODY", item, message!, SectionExtractor.Extract(message!.Content, message.Parsed, item.Section), ct);
                break;
            case FetchKind.Binary or FetchKind.BinarySize:
                var data = Binary(message!.Content, message.Parsed, item.Section);
                if (item.Kind == FetchKind.BinarySize)
                {
                    _out.Raw($"BINARY.SIZE[{item.Section}] {data.Length}");
                }
                else
                {
                    await WritePartialAsync("BINARY", item, message, data, ct);
                }
                break;
        }
    }

    /// <summary>name[section]&lt;start&gt; and the literal: of <paramref name="data"/>, or of the whole message file when it is null.</summary>
    private async Task WritePartialAsync(string name, FetchItem item, FetchedMessage? message, byte[]? data, CancellationToken ct)
    {
        _out.Raw($"{name}[{item.Section}]");
        var total = data?.Length ?? message!.Length;
        long from = 0;
        var length = total;
        if (item.PartialStart is { } start)
        {
            _out.Raw($"<{start}>");
            from = Math.Min(start, total);
            length = Math.Min(item.PartialLength ?? long.MaxValue, total - from);
        }
        _out.Raw(" ");
        if (data is null)
        {
            await WriteMessageLiteralAsync(message!, from, length, ct);
        }
        else
        {
            await WriteLiteralAsync(data.AsMemory((int)from, (int)length), ct);
        }
    }

    /// <summary>Small literals go into the response buffer; larger ones are written straight to the client.</summary>
    private async Task WriteLiteralAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (data.Length <= 16 * 1024)
        {
            _out.Literal(data.Span);
            return;
        }
        _out.Raw("{").Number(data.Length).Raw("}\r\n");
        await FlushAsync(ct);
        await _conn.Stream.WriteAsync(data, ct);
    }

    private async Task WriteMessageLiteralAsync(FetchedMessage message, long start, long length, CancellationToken ct)
    {
        _out.Raw("{").Number(length).Raw("}\r\n");
        await FlushAsync(ct);
        await message.CopyToAsync(_conn.Stream, start, length, ct);
    }

    /// <summary>BINARY[part] (RFC 3516): the part's body with its transfer encoding removed.</summary>
    private static byte[] Binary(byte[] content, MimeEntity root, string section)
    {
        if (section.Length == 0)
        {
            return content;
        }
        var path = section.Split('.').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ImapParseException("bad BINARY section")).ToList();
        var entity = SectionExtractor.Resolve(root, path);
        return entity is null ? [] : TransferEncoding.Decode(content.AsSpan(entity.BodyOffset, entity.BodyLength), entity.TransferEncoding);
    }
}
