using MailHost.Server.Mime;

namespace MailHost.Server.Imap;

/// <summary>RFC 3516 §4.3: whether BINARY can remove a part's transfer encoding, else the answer is NO [UNKNOWN-CTE].</summary>
internal static class BinaryContent
{
    public static bool CanDecode(ReadOnlySpan<byte> content, MimeEntity root, string section)
    {
        if (section.Length == 0)
        {
            return true;
        }
        var path = new List<int>();
        foreach (var p in section.Split('.'))
        {
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            {
                return true; // a malformed section is the fetch's BAD, not ours
            }
            path.Add(n);
        }
        var entity = SectionExtractor.Resolve(root, path);
        if (entity is null)
        {
            return true;
        }
        return entity.TransferEncoding switch
        {
            null or "" or "7bit" or "8bit" or "binary" or "quoted-printable" => true,
            "base64" => IsBase64(content.Slice(entity.BodyOffset, entity.BodyLength)),
            _ => false,
        };
    }

    /// <summary>Only the base64 alphabet, padding and line breaks/whitespace (RFC 2045 §6.8).</summary>
    private static bool IsBase64(ReadOnlySpan<byte> body)
    {
        foreach (var c in body)
        {
            var ok = c is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'+' or (byte)'/' or (byte)'=' or (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
