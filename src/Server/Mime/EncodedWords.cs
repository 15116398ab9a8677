using System.Text;
using System.Text.RegularExpressions;

namespace MailHost.Server.Mime;

/// <summary>RFC 2047 encoded words (=?charset?B|Q?text?=) decoded to text; undecodable words are left as they are.</summary>
public static partial class EncodedWords
{
    [GeneratedRegex(@"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")]
    private static partial Regex Word();

    [GeneratedRegex(@"(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)")]
    private static partial Regex SpaceBetweenWords();

    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains("=?", StringComparison.Ordinal))
        {
            return value;
        }
        // RFC 2047 §6.2: white space between adjacent encoded words is not displayed.
        var joined = SpaceBetweenWords().Replace(value, "$1");
        return Word().Replace(joined, m => DecodeWord(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value) ?? m.Value);
    }

    private static string? DecodeWord(string charset, string encoding, string text)
    {
        var star = charset.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            charset = charset[..star]; // RFC 2231 §5 language suffix
        }
        var enc = Charsets.Find(charset);
        if (enc is null)
        {
            return null;
        }
        byte[] bytes;
        if (encoding is "B" or "b")
        {
            bytes = TransferEncoding.DecodeBase64(Encoding.ASCII.GetBytes(text));
        }
        else
        {
            bytes = TransferEncoding.DecodeQuotedPrintable(Encoding.ASCII.GetBytes(text.Replace('_', ' ')));
        }
        return enc.GetString(bytes);
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
