using MimeKit.Encodings;

namespace MailHost.Server.Mime;

/// <summary>RFC 2045 §6 content transfer decodings for BINARY and SEARCH BODY/TEXT, by MimeKit's decoders (lenient: invalid characters are skipped, never fatal).</summary>
public static class TransferEncoding
{
    public static byte[] Decode(ReadOnlySpan<byte> body, string? encoding) => encoding?.Trim().ToLowerInvariant() switch
    {
        "base64" => DecodeBase64(body),
        "quoted-printable" => DecodeQuotedPrintable(body),
        _ => body.ToArray(),
    };

    public static byte[] DecodeBase64(ReadOnlySpan<byte> input) => Run(new Base64Decoder(), input);

    public static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> input) => Run(new QuotedPrintableDecoder(), input);

    private static byte[] Run(IMimeDecoder decoder, ReadOnlySpan<byte> input)
    {
        var source = input.ToArray();
        var output = new byte[decoder.EstimateOutputLength(source.Length)];
        var n = decoder.Decode(source, 0, source.Length, output);
        return output.AsSpan(0, n).ToArray();
    }
}
