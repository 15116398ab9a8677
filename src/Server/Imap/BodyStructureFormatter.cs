using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>BODY and BODYSTRUCTURE (RFC 9051 §7.5.2) from a parsed message; extension data only for BODYSTRUCTURE.</summary>
public static class BodyStructureFormatter
{
    public static void Write(ImapResponse r, MimeEntity entity, ReadOnlySpan<byte> message, bool extensions)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.IsMultipart && entity.Children.Count > 0)
        {
            r.Raw("(");
            foreach (var child in entity.Children)
            {
                Write(r, child, message, extensions);
            }
            r.Raw(" ").String(entity.MediaSubtype.ToUpperInvariant());
            if (extensions)
            {
                r.Raw(" ");
                Parameters(r, ContentType(r, entity));
                r.Raw(" ");
                Disposition(r, entity);
                r.Raw(" ").String(entity.Header("Content-Language")).Raw(" ").String(entity.Header("Content-Location"));
            }
            r.Raw(")");
            return;
        }
        var type = entity.IsMultipart ? "text" : entity.MediaType;
        var subtype = entity.IsMultipart ? "plain" : entity.MediaSubtype;
        r.Raw("(").String(type.ToUpperInvariant()).Raw(" ").String(subtype.ToUpperInvariant()).Raw(" ");
        Parameters(r, ContentType(r, entity));
        r.Raw(" ").String(entity.Header("Content-ID")).Raw(" ").String(entity.Header("Content-Description")).Raw(" ");
        r.String((entity.TransferEncoding ?? "7bit").ToUpperInvariant()).Raw(" ").Number(entity.BodyLength);
        var body = message.Slice(entity.BodyOffset, entity.BodyLength);
        if (entity.IsMessage && entity.Message is { } inner)
        {
            r.Raw(" ");
            EnvelopeFormatter.Write(r, inner);
            r.Raw(" ");
            Write(r, inner, message, extensions);
            r.Raw(" ").Number(CountLines(body));
        }
        else if (type == "text")
        {
            r.Raw(" ").Number(CountLines(body));
        }
        if (extensions)
        {
            r.Raw(" ").String(entity.Header("Content-MD5")).Raw(" ");
            Disposition(r, entity);
            r.Raw(" ").String(entity.Header("Content-Language")).Raw(" ").String(entity.Header("Content-Location"));
        }
        r.Raw(")");
    }

    /// <summary>
    /// RFC 2231 parameters decode to UTF-8, which only a UTF-8 client may get in a string; others get
    /// them as sent (name*=charset''value), as Dovecot does.
    /// </summary>
    private static HeaderParameters ContentType(ImapResponse r, MimeEntity entity) =>
        !r.Utf8 && entity.Header("Content-Type") is { } raw && raw.Contains("*=", StringComparison.Ordinal) ? HeaderParameters.Parse(raw, decodeExtended: false) : entity.ContentType;

    private static HeaderParameters Parsed(ImapResponse r, string header) => HeaderParameters.Parse(header, decodeExtended: r.Utf8);

    private static void Parameters(ImapResponse r, HeaderParameters p)
    {
        var list = p.Parameters;
        if (list.Count == 0)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(");
        var first = true;
        foreach (var (name, value) in list)
        {
            if (!first)
            {
                r.Raw(" ");
            }
            first = false;
            r.String(name.ToUpperInvariant()).Raw(" ").String(value);
        }
        r.Raw(")");
    }

    private static void Disposition(ImapResponse r, MimeEntity entity)
    {
        var header = entity.Header("Content-Disposition");
        if (string.IsNullOrWhiteSpace(header))
        {
            r.Raw("NIL");
            return;
        }
        var d = Parsed(r, header);
        r.Raw("(").String(d.Value.ToUpperInvariant()).Raw(" ");
        Parameters(r, d);
        r.Raw(")");
    }

    public static int CountLines(ReadOnlySpan<byte> body)
    {
        var lines = body.Count((byte)'\n');
        return body.Length > 0 && body[^1] != '\n' ? lines + 1 : lines;
    }
}
