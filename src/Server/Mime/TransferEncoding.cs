namespace MailHost.Server.Mime;

/// <summary>RFC 2045 §6 content transfer decodings, lenient: invalid characters are skipped, never fatal.</summary>
public static class TransferEncoding
{
    public static byte[] Decode(ReadOnlySpan<byte> body, string? encoding) => encoding?.Trim().ToLowerInvariant() switch
    {
        "base64" => DecodeBase64(body),
        "quoted-printable" => DecodeQuotedPrintable(body),
        _ => body.ToArray(),
    };

    public static byte[] DecodeBase64(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>(input.Length * 3 / 4);
        int buffer = 0, bits = 0;
        foreach (var c in input)
        {
            int v = c switch
            {
                >= (byte)'A' and <= (byte)'Z' => c - 'A',
                >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
                >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
                (byte)'+' => 62,
                (byte)'/' => 63,
                _ => -1,
            };
            if (c == '=')
            {
                break;
            }
            if (v < 0)
            {
                continue;
            }
            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. output];
    }

    public static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c != '=')
            {
                output.Add(c);
                continue;
            }
            // RFC 2045 §6.7 rule 5: "=" at end of line is a soft line break.
            var j = i + 1;
            while (j < input.Length && input[j] is (byte)' ' or (byte)'\t')
            {
                j++;
            }
            if (j < input.Length && input[j] == '\r' && j + 1 < input.Length && input[j + 1] == '\n')
            {
                i = j + 1;
                continue;
            }
            if (j < input.Length && input[j] == '\n')
            {
                i = j;
                continue;
            }
            if (i + 2 < input.Length && Hex(input[i + 1]) is var hi && hi >= 0 && Hex(input[i + 2]) is var lo && lo >= 0)
            {
                output.Add((byte)(hi * 16 + lo));
                i += 2;
                continue;
            }
            output.Add(c);
        }
        return [.. output];
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };
}
