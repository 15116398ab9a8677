using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace MailHost.Server.Mime;

/// <summary>
/// RFC 2047 encoded words (=?charset?B|Q?text?=) decoded to text by MimeKit's decoder, for SEARCH.
/// It joins adjacent words (§6.2), tolerates words inside atoms and malformed words (left as they
/// are); a word in a charset nobody knows is read as UTF-8, so its ASCII text stays searchable.
/// </summary>
public static class EncodedWords
{
    /// <summary>MimeKit finds legacy charsets (windows-1252, KOI8-R …) only through the code-pages provider; a test or tool that decodes before any host registered it would get mojibake.</summary>
    static EncodedWords() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Contains("=?", StringComparison.Ordinal) ? Rfc2047.DecodeText(ParserOptions.Default, Encoding.UTF8.GetBytes(value)) : value;
    }
}

/// <summary>The charsets we can decode without the code-pages provider.</summary>
public static class Charsets
{
    /// <summary>Legacy sets (windows-125x, KOI8-R, Shift_JIS, ISO-2022-JP …) come from the code-pages provider, also when no host registered it.</summary>
    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name.Trim().Trim('"').ToLowerInvariant())
        {
            case "utf-8" or "utf8":
                return Encoding.UTF8;
            case "us-ascii" or "ascii":
                return Encoding.ASCII;
            case "iso-8859-1" or "latin1" or "iso8859-1":
                return Encoding.Latin1;
            case "utf-16":
                return Encoding.Unicode;
            default:
                try
                {
                    return Encoding.GetEncoding(name);
                }
                catch (ArgumentException)
                {
                    // Without the code-pages provider the other single-byte sets are read as Latin-1:
                    // ASCII stays right, which is what searching mostly needs.
                    return name.StartsWith("iso-8859-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("windows-125", StringComparison.OrdinalIgnoreCase) ? Encoding.Latin1 : null;
                }
        }
    }
}
