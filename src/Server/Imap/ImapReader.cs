using System.Text;

namespace MailHost.Server.Imap;

/// <summary>
/// Reads the tokens of one complete IMAP command (RFC 9051 §9 grammar) from its bytes: the command
/// line(s) with any literals inline as sent ("{n}\r\n" + n bytes). No I/O: the connection assembles
/// the bytes, this class only parses them, throwing <see cref="ImapParseException"/> on bad syntax.
/// </summary>
public sealed class ImapReader(ReadOnlyMemory<byte> command)
{
    private readonly IReadOnlyList<SpooledLiteral> _spooled = [];
    private int _pos;

    /// <summary>A command whose large literals were spooled to files by <see cref="ImapCommandReader"/>.</summary>
    public ImapReader(ReadOnlyMemory<byte> command, IReadOnlyList<SpooledLiteral> spooled)
        : this(command)
    {
        _spooled = spooled;
    }

    /// <summary>Where the reader is; set it back to undo a look-ahead.</summary>
    public int Position
    {
        get => _pos;
        set => _pos = value;
    }

    public bool AtEnd => _pos >= command.Length;

    private ReadOnlySpan<byte> Span => command.Span;

    public int Peek() => AtEnd ? -1 : Span[_pos];

    public bool TryChar(char c)
    {
        if (Peek() == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    public void Expect(char c)
    {
        if (!TryChar(c))
        {
            throw new ImapParseException(AtEnd ? $"expected '{c}' but the command ended" : $"expected '{c}'");
        }
    }

    public void Space() => Expect(' ');

    public void End()
    {
        if (!AtEnd)
        {
            throw new ImapParseException("unexpected characters at end of command");
        }
    }

    /// <summary>RFC 9051 atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]"; callers may allow some back.</summary>
    private static bool IsAtomChar(byte c, string allowed) =>
        c > 0x20 && c != 0x7f && (c is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']') || allowed.Contains((char)c, StringComparison.Ordinal));

    public string Atom(string allowed = "")
    {
        var start = _pos;
        while (!AtEnd && IsAtomChar(Span[_pos], allowed))
        {
            _pos++;
        }
        if (_pos == start)
        {
            throw new ImapParseException("expected an atom");
        }
        return Encoding.UTF8.GetString(Span[start.._pos]);
    }

    /// <summary>The tag: atom characters except "+" (RFC 9051 §9 tag).</summary>
    public string Tag()
    {
        var tag = Atom();
        if (tag.Contains('+', StringComparison.Ordinal))
        {
            throw new ImapParseException("invalid tag");
        }
        return tag;
    }

    public bool IsStringStart => Peek() is '"' or '{' || Peek() == '~' && _pos + 1 < command.Length && Span[_pos + 1] == '{';

    /// <summary>quoted / literal, as bytes.</summary>
    public byte[] StringBytes()
    {
        if (TryChar('"'))
        {
            var bytes = new List<byte>();
            while (true)
            {
                if (AtEnd)
                {
                    throw new ImapParseException("unterminated quoted string");
                }
                var c = Span[_pos++];
                if (c == '"')
                {
                    return [.. bytes];
                }
                if (c == '\\')
                {
                    if (AtEnd)
                    {
                        throw new ImapParseException("unterminated quoted string");
                    }
                    c = Span[_pos++];
                }
                if (c is (byte)'\r' or (byte)'\n')
                {
                    throw new ImapParseException("line break in quoted string");
                }
                bytes.Add(c);
            }
        }
        TryChar('~'); // literal8 (RFC 3516)
        if (TryChar('{'))
        {
            var start = _pos;
            while (!AtEnd && Span[_pos] is >= (byte)'0' and <= (byte)'9')
            {
                _pos++;
            }
            if (!long.TryParse(Span[start.._pos], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new ImapParseException("bad literal length");
            }
            if (!TryChar('+'))
            {
                TryChar('-');
            }
            Expect('}');
            Expect('\r');
            Expect('\n');
            if (SpooledAt(_pos) is not null)
            {
                // Only a message literal (APPEND) may be that large; it is read with MessageLiteral.
                throw new ImapParseException("literal too large for this argument");
            }
            if (length > command.Length - _pos)
            {
                throw new ImapParseException("literal shorter than announced");
            }
            var data = Span.Slice(_pos, (int)length).ToArray();
            _pos += (int)length;
            return data;
        }
        throw new ImapParseException("expected a string");
    }

    private SpooledLiteral? SpooledAt(int position)
    {
        foreach (var literal in _spooled)
        {
            if (literal.Offset == position)
            {
                return literal;
            }
        }
        return null;
    }

    /// <summary>
    /// A message literal (APPEND): the spooled file when the command reader put it on disk, else the
    /// bytes in memory. The caller disposes the stream; a spooled file is deleted then.
    /// </summary>
    public Stream MessageLiteral()
    {
        var mark = _pos;
        TryChar('~');
        if (TryChar('{'))
        {
            while (!AtEnd && Span[_pos] is >= (byte)'0' and <= (byte)'9')
            {
                _pos++;
            }
            if (!TryChar('+'))
            {
                TryChar('-');
            }
            if (TryChar('}') && TryChar('\r') && TryChar('\n') && SpooledAt(_pos) is { } spooled)
            {
                spooled.File.Position = 0;
                return spooled.File;
            }
        }
        _pos = mark;
        return new MemoryStream(StringBytes(), writable: false);
    }

    public string String() => Encoding.UTF8.GetString(StringBytes());

    /// <summary>astring: atom (with "]" allowed, RFC 9051 ASTRING-CHAR) or string.</summary>
    public string AString() => IsStringStart ? String() : Atom("]");

    public string? NString()
    {
        if (!IsStringStart)
        {
            var atom = Atom();
            return atom.Equals("NIL", StringComparison.OrdinalIgnoreCase) ? null : throw new ImapParseException("expected a string or NIL");
        }
        return String();
    }

    /// <summary>list-mailbox: atom with list-wildcards "%" "*" and "]" allowed, or string.</summary>
    public string ListMailbox() => IsStringStart ? String() : Atom("%*]");

    public uint Number()
    {
        var start = _pos;
        while (!AtEnd && Span[_pos] is >= (byte)'0' and <= (byte)'9')
        {
            _pos++;
        }
        if (!uint.TryParse(Span[start.._pos], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new ImapParseException("expected a number");
        }
        return n;
    }

    public ulong Number64()
    {
        var start = _pos;
        while (!AtEnd && Span[_pos] is >= (byte)'0' and <= (byte)'9')
        {
            _pos++;
        }
        if (!ulong.TryParse(Span[start.._pos], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new ImapParseException("expected a number");
        }
        return n;
    }

    public SequenceSet SequenceSet() => Imap.SequenceSet.Parse(Atom("*"));

    /// <summary>A parenthesised list of flags; a single flag without parentheses is accepted too (STORE allows both).</summary>
    public List<string> FlagList()
    {
        var flags = new List<string>();
        if (!TryChar('('))
        {
            flags.Add(Flag());
            while (TryChar(' '))
            {
                flags.Add(Flag());
            }
            return flags;
        }
        while (!TryChar(')'))
        {
            if (flags.Count > 0)
            {
                Space();
            }
            flags.Add(Flag());
        }
        return flags;
    }

    private string Flag()
    {
        var backslash = TryChar('\\');
        var atom = Atom(backslash ? "*" : "");
        return backslash ? "\\" + atom : atom;
    }

    /// <summary>date-time in quotes: "dd-Mon-yyyy hh:mm:ss +zzzz" (RFC 9051 §9).</summary>
    public DateTimeOffset DateTime()
    {
        var text = String().Trim();
        if (DateTimeOffset.TryParseExact(text, ["d-MMM-yyyy HH:mm:ss zzz", "dd-MMM-yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var value))
        {
            return value;
        }
        // "+0200" has no colon, which zzz wants: insert it.
        if (text.Length > 5 && text[^5] is '+' or '-')
        {
            var fixedText = text[..^2] + ":" + text[^2..];
            if (DateTimeOffset.TryParseExact(fixedText, ["d-MMM-yyyy HH:mm:ss zzz", "dd-MMM-yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out value))
            {
                return value;
            }
        }
        throw new ImapParseException("bad date-time");
    }

    /// <summary>date: "d-Mon-yyyy" quoted or bare (SEARCH).</summary>
    public DateOnly Date()
    {
        var text = IsStringStart ? String() : Atom();
        if (DateOnly.TryParseExact(text, ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        throw new ImapParseException("bad date");
    }

    /// <summary>The raw text up to the matching "]" (section spec of BODY[...]).</summary>
    public string UntilCloseBracket()
    {
        var start = _pos;
        var depth = 0;
        while (!AtEnd)
        {
            var c = Span[_pos];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == ']' && depth <= 0)
            {
                var text = Encoding.UTF8.GetString(Span[start.._pos]);
                _pos++;
                return text;
            }
            _pos++;
        }
        throw new ImapParseException("missing ']'");
    }

    /// <summary>Everything left, as bytes (SASL initial responses and the like).</summary>
    public string Rest()
    {
        var text = Encoding.UTF8.GetString(Span[_pos..]);
        _pos = command.Length;
        return text;
    }
}
