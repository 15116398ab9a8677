using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailHost.Server.MailAuth.Spf;

/// <summary>The facts macros expand from (RFC 7208 §7.2).</summary>
internal sealed record SpfMacroContext(string Sender, string LocalPart, string SenderDomain, string Domain, IPAddress Ip, string Helo, string Receiver, DateTimeOffset Now)
{
    /// <summary>%{p}: computed on demand because it costs DNS look-ups (RFC 7208 §7.3 says avoid it).</summary>
    public Func<Task<string>>? ValidatedName { get; init; }
}

/// <summary>
/// RFC 7208 §7: macro-string syntax check and expansion. Syntax is checked when the record is
/// parsed, so a bad macro anywhere in a record is a permerror even if an earlier term matches.
/// </summary>
internal static class SpfMacro
{
    private const string Letters = "slodiphcrtv";
    private const string Delimiters = ".-+,/_=";

    /// <summary>Checks macro-string syntax (explain-string when <paramref name="explain"/>: SP allowed and c, r, t letters).</summary>
    public static bool IsValid(string text, bool explain)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (++i >= text.Length)
                {
                    return false;
                }
                var n = text[i];
                if (n is '%' or '_' or '-')
                {
                    continue;
                }
                if (n != '{' || !TryParseExpand(text, i, explain, out _, out var end))
                {
                    return false;
                }
                i = end;
            }
            else if (c < 0x21 || c > 0x7e)
            {
                // macro-literal = %x21-24 / %x26-7E; explain-string also allows SP.
                if (!(explain && c == ' '))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand.</summary>
    public static bool IsValidDomainSpec(string text)
    {
        if (text.Length == 0 || !IsValid(text, explain: false))
        {
            return false;
        }
        if (text.EndsWith('}'))
        {
            // Ends in a macro-expand unless the brace is escaped literal text: find the last '%'.
            var open = text.LastIndexOf("%{", StringComparison.Ordinal);
            if (open >= 0 && (open == 0 || text[open - 1] != '%') && text.IndexOf('}', open) == text.Length - 1)
            {
                return true;
            }
        }
        var body = text.EndsWith('.') ? text[..^1] : text;
        var dot = body.LastIndexOf('.');
        if (dot < 0)
        {
            return false;
        }
        return IsTopLabel(body[(dot + 1)..]);
    }

    /// <summary>toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).</summary>
    public static bool IsTopLabel(string label)
    {
        if (label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return false;
        }
        if (!label.Contains('-'))
        {
            return label.Any(char.IsAsciiLetter);
        }
        return char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1]);
    }

    public static async Task<string> ExpandAsync(string text, SpfMacroContext context, bool explain)
    {
        var sb = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            var n = text[++i];
            switch (n)
            {
                case '%': sb.Append('%'); continue;
                case '_': sb.Append(' '); continue;
                case '-': sb.Append("%20"); continue;
            }
            if (!TryParseExpand(text, i, explain, out var macro, out var end))
            {
                throw new SpfAbortException(SpfResult.PermError, $"bad macro in \"{text}\"");
            }
            i = end;
            sb.Append(await ExpandOneAsync(macro, context));
        }
        return sb.ToString();
    }

    /// <summary>When the expansion is a DNS name over 253 characters, labels are dropped from the left (RFC 7208 §7.3).</summary>
    public static string TruncateDomain(string name)
    {
        while (name.TrimEnd('.').Length > 253 && name.IndexOf('.') is var dot and >= 0)
        {
            name = name[(dot + 1)..];
        }
        return name;
    }

    private readonly record struct Expand(char Letter, bool Upper, int Digits, bool Reverse, string Delimiters);

    private static bool TryParseExpand(string text, int brace, bool explain, out Expand macro, out int end)
    {
        macro = default;
        end = text.IndexOf('}', brace);
        if (end < 0 || end == brace + 1)
        {
            return false;
        }
        var inner = text.AsSpan(brace + 1, end - brace - 1);
        var letter = char.ToLowerInvariant(inner[0]);
        if (!Letters.Contains(letter) || !explain && letter is 'c' or 'r' or 't')
        {
            return false;
        }
        var pos = 1;
        var digits = 0;
        var digitStart = pos;
        while (pos < inner.Length && char.IsAsciiDigit(inner[pos]))
        {
            digits = Math.Min(digits * 10 + (inner[pos] - '0'), 1000);
            pos++;
        }
        // RFC 7208 §7.3: a DIGIT transformer, if given, must be non-zero.
        if (pos > digitStart && digits == 0)
        {
            return false;
        }
        var reverse = false;
        if (pos < inner.Length && (inner[pos] == 'r' || inner[pos] == 'R'))
        {
            reverse = true;
            pos++;
        }
        var delimiters = inner[pos..].ToString();
        if (delimiters.Any(d => !Delimiters.Contains(d)))
        {
            return false;
        }
        macro = new Expand(letter, char.IsAsciiLetterUpper(inner[0]), digits, reverse, delimiters.Length == 0 ? "." : delimiters);
        return true;
    }

    private static async Task<string> ExpandOneAsync(Expand macro, SpfMacroContext context)
    {
        var value = macro.Letter switch
        {
            's' => context.Sender,
            'l' => context.LocalPart,
            'o' => context.SenderDomain,
            'd' => context.Domain,
            'i' => DottedIp(context.Ip),
            'p' => context.ValidatedName is { } name ? await name() : "unknown",
            'v' => context.Ip.AddressFamily == AddressFamily.InterNetwork ? "in-addr" : "ip6",
            'h' => context.Helo,
            'c' => context.Ip.ToString(),
            'r' => context.Receiver,
            't' => context.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            _ => "",
        };
        if (macro.Digits > 0 || macro.Reverse || macro.Delimiters != ".")
        {
            var parts = value.Split(macro.Delimiters.ToCharArray());
            if (macro.Reverse)
            {
                Array.Reverse(parts);
            }
            if (macro.Digits > 0 && macro.Digits < parts.Length)
            {
                parts = parts[^macro.Digits..];
            }
            value = string.Join('.', parts);
        }
        // Upper-case macro letters URL-escape everything outside RFC 3986 "unreserved".
        return macro.Upper ? Uri.EscapeDataString(value) : value;
    }

    /// <summary>%{i}: dotted quad for IPv4, dot-separated nibbles for IPv6 (RFC 7208 §7.3).</summary>
    public static string DottedIp(IPAddress ip)
    {
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return ip.ToString();
        }
        // Upper-case nibbles, as the openspf suite expects in explanations (DNS names are case-blind anyway).
        var bytes = ip.GetAddressBytes();
        return string.Join('.', bytes.SelectMany(b => new[] { b >> 4, b & 0xF }).Select(x => x.ToString("X", CultureInfo.InvariantCulture)));
    }
}
