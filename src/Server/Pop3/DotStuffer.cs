namespace MailHost.Server.Pop3;

/// <summary>RFC 1939 §3 multi-line bodies: lines starting with "." get another, CRLF line ends, TOP's line cut.</summary>
public static class DotStuffer
{
    /// <summary>The message with dot-stuffing; with <paramref name="bodyLines"/> ≥ 0 only the header and that many body lines (TOP).</summary>
    public static byte[] Stuff(ReadOnlySpan<byte> message, int bodyLines = -1)
    {
        var output = new MemoryStream(message.Length + message.Length / 50 + 4);
        var inBody = false;
        var taken = 0;
        var pos = 0;
        while (pos < message.Length)
        {
            var nl = message[pos..].IndexOf((byte)'\n');
            var end = nl < 0 ? message.Length : pos + nl + 1;
            var line = message[pos..end].TrimEnd("\r\n"u8);
            if (inBody && bodyLines >= 0 && taken++ >= bodyLines)
            {
                break;
            }
            if (!line.IsEmpty && line[0] == '.')
            {
                output.WriteByte((byte)'.');
            }
            output.Write(line);
            output.Write("\r\n"u8);
            if (!inBody && line.IsEmpty)
            {
                inBody = true;
            }
            pos = end;
        }
        return output.ToArray();
    }
}
