using System.Buffers;
using System.Text;

namespace MailHost.Server.Imap;

/// <summary>Builds IMAP response bytes (quoted strings, literals, NIL) for one command, flushed at once.</summary>
public sealed class ImapResponse
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public void Clear() => _buffer.Clear();

    /// <summary>
    /// True once the client accepts UTF-8 in quoted strings (IMAP4rev2, RFC 9051 §6.3.1 / UTF8=ACCEPT);
    /// before that quoted strings are 7-bit (RFC 3501 §4.3) and 8-bit text goes out as a literal.
    /// </summary>
    public bool Utf8 { get; set; }

    public ImapResponse Raw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        return this;
    }

    public ImapResponse Raw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    public ImapResponse Line(string text) => Raw(text).Raw("\r\n"u8);

    public ImapResponse Number(long n) => Raw(n.ToString(CultureInfo.InvariantCulture));

    /// <summary>A string as quoted when it is short and simple, else as a literal.</summary>
    public ImapResponse String(string? value)
    {
        if (value is null)
        {
            return Raw("NIL");
        }
        if (value.Length < 1024 && value.All(c => c is >= ' ' and not '\x7f' && (Utf8 || c < '\x80')))
        {
            var sb = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                if (c is '"' or '\\')
                {
                    sb.Append('\\');
                }
                sb.Append(c);
            }
            return Raw(sb.Append('"').ToString());
        }
        return Literal(Encoding.UTF8.GetBytes(value));
    }

    public ImapResponse Literal(ReadOnlySpan<byte> bytes)
    {
        Raw("{").Number(bytes.Length).Raw("}\r\n");
        return Raw(bytes);
    }

    /// <summary>An astring for mailbox names: atom when safe, quoted otherwise.</summary>
    public ImapResponse AString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var atom = value.Length > 0 && !value.Equals("NIL", StringComparison.OrdinalIgnoreCase) && value.All(c => c > ' ' && c < '\x7f' && c is not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));
        return atom ? Raw(value) : String(value);
    }
}
