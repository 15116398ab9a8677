namespace MailHost.Server.Mime;

/// <summary>
/// One node of a parsed message: where its header and body lie in the message bytes, its headers,
/// and its children (multipart) or encapsulated message (message/rfc822). Offsets, not copies.
/// </summary>
public sealed class MimeEntity
{
    public required int HeaderOffset { get; init; }
    public required int HeaderLength { get; init; }
    public required int BodyOffset { get; init; }
    public required int BodyLength { get; init; }
    public required IReadOnlyList<MimeHeader> Headers { get; init; }
    public required HeaderParameters ContentType { get; init; }
    public List<MimeEntity> Children { get; } = [];
    public MimeEntity? Message { get; set; }

    /// <summary>type/subtype in lower case; text/plain by default (RFC 2045 §5.2), message/rfc822 inside multipart/digest.</summary>
    public string MediaType { get; init; } = "text";
    public string MediaSubtype { get; init; } = "plain";
    public bool IsMultipart => MediaType == "multipart";
    public bool IsMessage => MediaType == "message" && MediaSubtype is "rfc822" or "global";

    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

    public string? TransferEncoding => Header("Content-Transfer-Encoding")?.Trim().ToLowerInvariant();
}
