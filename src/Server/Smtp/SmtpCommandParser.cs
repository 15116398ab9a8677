namespace MailHost.Server.Smtp;

/// <summary>A command line split into its verb (upper case) and argument text.</summary>
public readonly record struct SmtpCommandLine(string Verb, string Argument)
{
    public static SmtpCommandLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? line : line[..space];
        var argument = space < 0 ? "" : line[(space + 1)..];
        return new SmtpCommandLine(verb.ToUpperInvariant(), argument);
    }
}

/// <summary>"FROM:&lt;path&gt; params" or "TO:&lt;path&gt; params", split into the path text and its ESMTP parameters.</summary>
public sealed record SmtpPathArgument(string Path, IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>
    /// Parses the argument of MAIL or RCPT. A space after the colon is tolerated (common client
    /// behaviour); everything else follows RFC 5321 §4.1.1.2 and §4.1.2.
    /// </summary>
    public static bool TryParse(string argument, string keyword, out SmtpPathArgument? result)
    {
        ArgumentNullException.ThrowIfNull(argument);
        ArgumentNullException.ThrowIfNull(keyword);
        result = null;
        if (!argument.StartsWith(keyword + ":", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = argument.AsSpan(keyword.Length + 1).TrimStart(' ');
        if (rest.IsEmpty || rest[0] != '<')
        {
            return false;
        }
        // Find the closing bracket outside quoted strings: a quoted local part may hold '>'.
        var inQuotes = false;
        var close = -1;
        for (var i = 1; i < rest.Length; i++)
        {
            var c = rest[i];
            if (inQuotes && c == '\\')
            {
                i++;
                continue;
            }
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == '>' && !inQuotes)
            {
                close = i;
                break;
            }
        }
        if (close < 0)
        {
            return false;
        }
        var path = rest[1..close].ToString();
        var tail = rest[(close + 1)..];
        if (!tail.IsEmpty && tail[0] != ' ')
        {
            return false;
        }
        var parameters = new List<KeyValuePair<string, string?>>();
        foreach (var token in tail.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? token : token[..eq]).ToUpperInvariant();
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
            parameters.Add(new(key, eq < 0 ? null : token[(eq + 1)..]));
        }
        result = new SmtpPathArgument(path, parameters);
        return true;
    }
}

/// <summary>xtext (RFC 3461 §4): "+XX" hex escapes for ENVID and ORCPT.</summary>
public static class XText
{
    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '+')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigitUpper(value[i + 1]) && !char.IsAsciiDigit(value[i + 1]) || !char.IsAsciiHexDigitUpper(value[i + 2]) && !char.IsAsciiDigit(value[i + 2]))
                {
                    return false;
                }
                i += 2;
            }
            else if (c is < '!' or > '~' or '=')
            {
                return false;
            }
        }
        return true;
    }
}
