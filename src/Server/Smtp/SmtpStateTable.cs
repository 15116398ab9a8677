namespace MailHost.Server.Smtp;

/// <summary>Where a session is in RFC 5321 §4.1.4's command order.</summary>
internal enum SmtpState
{
    /// <summary>Greeted by us, no EHLO/HELO yet (also right after STARTTLS).</summary>
    Connected,

    /// <summary>EHLO/HELO done, no transaction.</summary>
    Ready,

    /// <summary>MAIL accepted; RCPT, DATA and BDAT are possible.</summary>
    Transaction,
}

/// <summary>Which verbs each state accepts, and the reply when it does not. One table instead of checks scattered in handlers.</summary>
internal static class SmtpStateTable
{
    private sealed record Rule(bool NeedsHello, bool InTransaction, bool NeedsTransaction, bool BeforeTls, SmtpReply WrongState);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["EHLO"] = new(false, true, false, true, SmtpReplies.Ok),
        ["HELO"] = new(false, true, false, true, SmtpReplies.Ok),
        ["NOOP"] = new(false, true, false, true, SmtpReplies.Ok),
        ["RSET"] = new(false, true, false, true, SmtpReplies.Ok),
        ["QUIT"] = new(false, true, false, true, SmtpReplies.Ok),
        ["STARTTLS"] = new(true, false, false, true, new SmtpReply(503, "5.5.1", "STARTTLS not allowed during a mail transaction")),
        ["HELP"] = new(false, true, false, false, SmtpReplies.Ok),
        ["VRFY"] = new(false, true, false, false, SmtpReplies.Ok),
        ["AUTH"] = new(true, false, false, false, SmtpReplies.AuthInTransaction),
        ["MAIL"] = new(true, false, false, false, SmtpReplies.NestedMail),
        ["RCPT"] = new(true, true, true, false, SmtpReplies.NeedMail),
        ["DATA"] = new(true, true, true, false, SmtpReplies.NeedMail),
        ["BDAT"] = new(true, true, true, false, SmtpReplies.NeedMail),
    };

    public static bool IsKnown(string verb) => Rules.ContainsKey(verb);

    /// <summary>Null when the verb may run now; otherwise the refusal. TLS-required listeners refuse most verbs before STARTTLS (RFC 3207 §4).</summary>
    public static SmtpReply? Check(string verb, SmtpState state, bool tlsRequiredAndMissing)
    {
        if (!Rules.TryGetValue(verb, out var rule))
        {
            return SmtpReplies.Unrecognized;
        }
        if (tlsRequiredAndMissing && !rule.BeforeTls)
        {
            return SmtpReplies.MustStartTls;
        }
        if (rule.NeedsHello && state == SmtpState.Connected)
        {
            return SmtpReplies.SendHeloFirst;
        }
        if (rule.NeedsTransaction && state != SmtpState.Transaction)
        {
            return rule.WrongState;
        }
        if (!rule.InTransaction && state == SmtpState.Transaction)
        {
            return rule.WrongState;
        }
        return null;
    }
}
