using System.Buffers;
using System.Text;

namespace MailHost.Server.Smtp;

/// <summary>
/// Keeps the start of a message (up to the end of the header section or a cap) to find its
/// Message-ID without a second pass over the spooled file.
/// </summary>
public sealed class HeaderProbe
{
    private const int Cap = 64 * 1024;
    private readonly System.Buffers.ArrayBufferWriter<byte> _head = new();
    private bool _complete;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_complete)
        {
            return;
        }
        var room = Cap - _head.WrittenCount;
        _head.Write(data[..Math.Min(room, data.Length)]);
        if (_head.WrittenCount >= Cap || data.IndexOf("\r\n\r\n"u8) >= 0)
        {
            _complete = true;
        }
    }

    /// <summary>The Message-ID header value (RFC 5322 §3.6.4), unfolded and trimmed; null when absent.</summary>
    public string? FindMessageId() => FindHeader("Message-ID");

    /// <summary>Every From: header value (RFC 5322 §3.6.2), unfolded; a message may (wrongly) carry several.</summary>
    public IReadOnlyList<string> FindAll(string name)
    {
        var text = Encoding.UTF8.GetString(_head.WrittenSpan);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = text.StartsWith("\r\n", StringComparison.Ordinal) ? "" : end < 0 ? text : text[..end];
        var unfolded = headers.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        var prefix = name + ":";
        return [.. unfolded.Split("\r\n").Where(l => l.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(l => l[prefix.Length..].Trim())];
    }

    private string? FindHeader(string header)
    {
        var text = Encoding.Latin1.GetString(_head.WrittenSpan);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = text.StartsWith("\r\n", StringComparison.Ordinal) ? "" : end < 0 ? text : text[..end];
        var unfolded = headers.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        foreach (var line in unfolded.Split("\r\n"))
        {
            if (line.StartsWith(header + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(header.Length + 1)..].Trim();
            }
        }
        return null;
    }
}
