namespace MailHost.Server.Policy;

/// <summary>
/// Strict RFC 5321 §4.1.2 path grammar: Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;". No I/O, no exceptions:
/// a malformed path is reported with a reason.
/// </summary>
public static class SmtpPathParser
{
    // RFC 5321 §4.5.3.1.1 and §4.5.3.1.2
    private const int MaxLocalPart = 64;
    private const int MaxDomain = 255;

    /// <summary>Parses the text between the angle brackets. Empty text is the null reverse-path (only valid for MAIL).</summary>
    public static bool TryParse(string path, bool allowUtf8, out MailboxAddress? mailbox, out string error)
    {
        ArgumentNullException.ThrowIfNull(path);
        mailbox = null;
        error = "";
        if (path.Length == 0)
        {
            return true;
        }
        var rest = path.AsSpan();
        // RFC 5321 §4.1.1.3 / §C: source routes MUST be accepted, SHOULD NOT be used, and MAY be ignored:
        // strip "@a,@b:" after checking it is well formed, and evaluate only the final mailbox.
        if (rest[0] == '@')
        {
            var colon = rest.IndexOf(':');
            if (colon < 0)
            {
                error = "malformed source route";
                return false;
            }
            foreach (var hop in rest[..colon].ToString().Split(','))
            {
                if (hop.Length < 2 || hop[0] != '@' || !IsDomain(hop.AsSpan(1), allowUtf8))
                {
                    error = "malformed source route";
                    return false;
                }
            }
            rest = rest[(colon + 1)..];
        }
        if (!TryLocalPart(rest, allowUtf8, out var local, out var quoted, out var consumed))
        {
            error = "malformed local part";
            return false;
        }
        rest = rest[consumed..];
        if (rest.Length < 2 || rest[0] != '@')
        {
            error = "missing domain";
            return false;
        }
        var domain = rest[1..];
        var literal = domain[0] == '[';
        if (literal ? !IsAddressLiteral(domain) : !IsDomain(domain, allowUtf8))
        {
            error = "malformed domain";
            return false;
        }
        if (System.Text.Encoding.UTF8.GetByteCount(local) > MaxLocalPart || domain.Length > MaxDomain)
        {
            error = "address too long";
            return false;
        }
        mailbox = new MailboxAddress(local, domain.ToString(), literal, quoted);
        return true;
    }

    private static bool TryLocalPart(ReadOnlySpan<char> s, bool allowUtf8, out string local, out bool quoted, out int consumed)
    {
        local = "";
        quoted = false;
        consumed = 0;
        if (s.IsEmpty)
        {
            return false;
        }
        if (s[0] == '"')
        {
            // Quoted-string = DQUOTE *QcontentSMTP DQUOTE (RFC 5321 §4.1.2)
            var sb = new System.Text.StringBuilder();
            for (var i = 1; i < s.Length; i++)
            {
                var c = s[i];
                if (c == '"')
                {
                    local = sb.ToString();
                    quoted = true;
                    consumed = i + 1;
                    return true;
                }
                if (c == '\\')
                {
                    if (i + 1 >= s.Length || s[i + 1] < 32 || s[i + 1] > 126)
                    {
                        return false;
                    }
                    sb.Append(s[++i]);
                    continue;
                }
                if (!(c is >= (char)32 and <= (char)126 && c != '"' && c != '\\' || allowUtf8 && c >= 128))
                {
                    return false;
                }
                sb.Append(c);
            }
            return false;
        }
        // Dot-string = Atom *("." Atom)
        var end = s.IndexOf('@');
        if (end <= 0)
        {
            return false;
        }
        var dotString = s[..end];
        if (dotString[0] == '.' || dotString[^1] == '.' || dotString.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in dotString)
        {
            if (!(c == '.' || IsAtext(c) || allowUtf8 && c >= 128 && c != '\uFFFD'))
            {
                return false;
            }
        }
        local = dotString.ToString();
        consumed = end;
        return true;
    }

    private static bool IsAtext(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);

    /// <summary>Domain = sub-domain *("." sub-domain); no trailing dot, no empty labels (RFC 5321 §4.1.2).</summary>
    public static bool IsDomain(ReadOnlySpan<char> domain, bool allowUtf8)
    {
        if (domain.IsEmpty || domain.Length > MaxDomain)
        {
            return false;
        }
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' || allowUtf8 && c >= 128 && c != '\uFFFD'))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]" (RFC 5321 §4.1.3).</summary>
    private static bool IsAddressLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length < 3 || literal[0] != '[' || literal[^1] != ']')
        {
            return false;
        }
        var inner = literal[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return System.Net.IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }
        var parts = inner.ToString().Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }
}
