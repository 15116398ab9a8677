namespace MailHost.Server.Imap;

/// <summary>ID (RFC 2971): clients send it unasked; the arguments are checked, we answer with our name only.</summary>
internal sealed partial class ImapSession
{
    private const int MaxIdPairs = 30;
    private const int MaxIdField = 30;
    private const int MaxIdValue = 1024;

    private Task IdAsync(string tag, ImapReader r)
    {
        r.Space();
        // RFC 2971 §3.3: id-params-list = "(" *(string SP nstring) ")" / nil; at most 30 pairs,
        // field names up to 30 octets and values up to 1024.
        if (r.Peek() == '(')
        {
            r.Expect('(');
            var pairs = 0;
            while (!r.TryChar(')'))
            {
                if (pairs > 0)
                {
                    r.Space();
                }
                var field = r.String();
                r.Space();
                var value = r.NString();
                if (++pairs > MaxIdPairs || field.Length > MaxIdField || value?.Length > MaxIdValue)
                {
                    throw new ImapParseException("ID parameters exceed RFC 2971 limits");
                }
            }
        }
        else if (!r.Atom().Equals("NIL", StringComparison.OrdinalIgnoreCase))
        {
            throw new ImapParseException("ID needs a parameter list or NIL");
        }
        r.End();
        _out.Line("* ID (\"name\" \"MailHost\")");
        _out.Line($"{tag} OK ID completed");
        return Task.CompletedTask;
    }
}
