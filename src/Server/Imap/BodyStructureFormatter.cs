using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>BODY and BODYSTRUCTURE (RFC 9051 §7.5.2) from a parsed message; extension data only for BODYSTRUCTURE.</summary>
public static class BodyStructureFormatter
{
    public static void Write(ImapResponse r, MimeEntity entity, ReadOnlySpan<byte> message, bool extensions)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.IsMultipart)
        {
            r.Raw("(");
            foreach (var child in entity.Children)
            {
                Write(r, child, message, extensions);
            }
            if (entity.Children.Count == 0)
            {
                // No delimiter matched (or no boundary given): still a multipart (RFC 9051's body-type-mpart needs
                // one part), with one empty text part, as Dovecot shows it; never text/plain with multipart's parameters.
                r.Raw(extensions ? "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)" : "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)");
            }
            r.Raw(" ").String(entity.MediaSubtype.ToUpperInvariant());
            if (extensions)
            {
                r.Raw(" ");
                Parameters(r, ContentType(r, entity));
                r.Raw(" ");
                Disposition(r, entity);
                r.Raw(" ");
                Language(r, entity);
                r.Raw(" ").String(entity.Header("Content-Location"));
            }
            r.Raw(")");
            return;
        }
        var type = entity.MediaType;
        var subtype = entity.MediaSubtype;
        r.Raw("(").String(type.ToUpperInvariant()).Raw(" ").String(subtype.ToUpperInvariant()).Raw(" ");
        Parameters(r, ContentType(r, entity), defaultCharset: type == "text");
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
        else if (entity.IsMessage)
        {
            // Encoded (base64/quoted-printable) message/rfc822 is not parsed, but body-type-msg still needs an envelope
            // and a body (RFC 9051 §9): empty ones, as Dovecot sends.
            r.Raw(" (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ");
            r.Raw(extensions ? "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)" : "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)");
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
            r.Raw(" ");
            Language(r, entity);
            r.Raw(" ").String(entity.Header("Content-Location"));
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

    /// <summary>The parameter list; a text part without a charset gets RFC 2045 §5.2's default ("CHARSET" "us-ascii"), as Dovecot sends it.</summary>
    private static void Parameters(ImapResponse r, HeaderParameters p, bool defaultCharset = false)
    {
        var list = p.Parameters;
        if (defaultCharset && !list.Any(x => string.Equals(x.Key, "charset", StringComparison.OrdinalIgnoreCase)))
        {
            list = [new("charset", "us-ascii"), .. list];
        }
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

    /// <summary>body-fld-lang (RFC 9051 §9): the tags of Content-Language (RFC 3282) as a list of strings.</summary>
    private static void Language(ImapResponse r, MimeEntity entity)
    {
        var tags = entity.Header("Content-Language")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tags is null || tags.Length == 0)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(");
        for (var i = 0; i < tags.Length; i++)
        {
            r.Raw(i == 0 ? "" : " ").String(tags[i]);
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

    /// <summary>Body size in text lines: its line ends (a last line without one, before a boundary, is not counted), as Dovecot counts.</summary>
    public static int CountLines(ReadOnlySpan<byte> body) => body.Count((byte)'\n');
}
