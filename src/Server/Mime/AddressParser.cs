using System.Text;

namespace MailHost.Server.Mime;

/// <summary>One mailbox of an address list, or a group start (Mailbox null, Name = group) / end (all null).</summary>
public sealed record MailAddress(string? Name, string? Mailbox, string? Host, bool GroupStart = false, bool GroupEnd = false, string? Route = null)
{
    public string Address => Host is null ? Mailbox ?? "" : $"{Mailbox}@{Host}";
}

/// <summary>
/// RFC 5322 §3.4 address lists, lenient, as IMAP's ENVELOPE needs them (MimeKit decodes the phrase, which
/// ENVELOPE must send as it came): a comment names an address that has no phrase ("user@host (Real Name)"),
/// obsolete source routes (§4.4) are kept for the envelope's adl, quoted local parts are unquoted, junk tolerated.
/// </summary>
public static class AddressParser
{
    public static List<MailAddress> Parse(string? value)
    {
        var result = new List<MailAddress>();
        if (string.IsNullOrWhiteSpace(value))
        {
            return result;
        }
        var tokens = Tokenize(value);
        var i = 0;
        while (i < tokens.Count)
        {
            // Collect one element up to ',' or ';' at depth 0, watching for group ':'.
            var phrase = new StringBuilder();
            string? angle = null;
            var bare = new StringBuilder();
            var groupStarted = false;
            string? comment = null;
            while (i < tokens.Count && tokens[i] is not "," and not ";")
            {
                var t = tokens[i];
                if (t.StartsWith('('))
                {
                    comment = t[1..^1].Trim();
                    i++;
                    continue;
                }
                if (t == ":" && angle is null && !groupStarted)
                {
                    result.Add(new MailAddress(phrase.ToString().Trim(), null, null, GroupStart: true));
                    phrase.Clear();
                    bare.Clear();
                    groupStarted = true;
                    i++;
                    continue;
                }
                if (t.StartsWith('<'))
                {
                    angle = t[1..^1];
                }
                else
                {
                    // The last character, not ToString(): a long phrase (thousands of tokens) must stay linear.
                    if (phrase.Length > 0 && t is not "." and not "@" && phrase[^1] is not '.' and not '@')
                    {
                        phrase.Append(' ');
                    }
                    phrase.Append(t.StartsWith('"') ? HeaderParameters.Unquote(t) : t);
                    bare.Append(t.StartsWith('"') ? t : t);
                }
                i++;
            }
            var fallback = string.IsNullOrEmpty(comment) ? null : comment;
            if (angle is not null)
            {
                var name = phrase.ToString().Trim();
                result.Add(Split(angle, name.Length == 0 ? fallback : name));
            }
            else if (bare.Length > 0)
            {
                result.Add(Split(bare.ToString(), fallback));
            }
            if (i < tokens.Count && tokens[i] == ";")
            {
                result.Add(new MailAddress(null, null, null, GroupEnd: true));
            }
            i++;
        }
        return result;
    }

    private static MailAddress Split(string addr, string? name)
    {
        // An obsolete source route "@a,@b:" (RFC 5322 §4.4) is the envelope's adl (RFC 9051 §7.5.2).
        string? route = null;
        var colon = addr.LastIndexOf(':');
        if (colon >= 0 && addr.StartsWith('@'))
        {
            route = addr[..colon];
            addr = addr[(colon + 1)..];
        }
        var at = addr.LastIndexOf('@');
        var local = at < 0 ? addr : addr[..at];
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            local = HeaderParameters.Unquote(local);
        }
        return new MailAddress(name, local, at < 0 ? null : addr[(at + 1)..], Route: route);
    }

    private static string StripComments(string s)
    {
        var sb = new StringBuilder(s.Length);
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\' && depth > 0)
            {
                i++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static List<string> Tokenize(string s)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(')
            {
                var start = i;
                var depth = 0;
                while (i < s.Length)
                {
                    if (s[i] == '\\')
                    {
                        i++;
                    }
                    else if (s[i] == '(')
                    {
                        depth++;
                    }
                    else if (s[i] == ')' && --depth == 0)
                    {
                        i++;
                        break;
                    }
                    i++;
                }
                // Kept as a token (outer parentheses included): it may be the address's display name.
                var end = Math.Min(i, s.Length);
                tokens.Add(depth == 0 ? s[start..end] : s[start..end] + ")");
            }
            else if (c == '"')
            {
                var j = i + 1;
                while (j < s.Length && s[j] != '"')
                {
                    j += s[j] == '\\' ? 2 : 1;
                }
                j = Math.Min(j + 1, s.Length);
                tokens.Add(s[i..j]);
                i = j;
            }
            else if (c == '<')
            {
                var j = s.IndexOf('>', i);
                j = j < 0 ? s.Length : j + 1;
                // Comments may sit inside the angle brackets too: <user (c)@ (c) domain.org> (RFC 5322 §3.4.1 CFWS).
                var inner = StripComments(s[i..j]);
                tokens.Add(inner.EndsWith('>') ? inner.Replace(" ", "", StringComparison.Ordinal) : inner + ">");
                i = j;
            }
            else if (c is ',' or ';' or ':')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else
            {
                var j = i;
                while (j < s.Length && !char.IsWhiteSpace(s[j]) && s[j] is not ',' and not ';' and not ':' and not '<' and not '"' and not '(')
                {
                    j++;
                }
                tokens.Add(s[i..j]);
                i = j;
            }
        }
        return tokens;
    }
}
