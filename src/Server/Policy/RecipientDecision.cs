using MailHost.Server.Smtp;

namespace MailHost.Server.Policy;

/// <summary>Where an accepted recipient goes: its final addresses (aliases expanded) and whether each is local.</summary>
public sealed record RecipientTarget(string Address, bool IsLocal);

/// <summary>The outcome of RCPT policy: accepted with targets, or refused with the reply to send.</summary>
public sealed record RecipientDecision(IReadOnlyList<RecipientTarget> Targets, SmtpReply? Refusal, string Reason)
{
    public bool Accepted => Refusal is null;

    public static RecipientDecision Refuse(SmtpReply reply, string reason) => new([], reply, reason);

    /// <summary>
    /// Decides one recipient from the snapshot taken at MAIL FROM. Order: relay rules (deny and
    /// require-TLS apply to every domain), then local delivery (known mailbox or alias, and the range
    /// may demand authentication), then relay (authenticated, range allows relay, or an Allow rule).
    /// </summary>
    public static RecipientDecision Decide(MailHostSnapshot snapshot, ConnectionPolicy policy, bool authenticated, bool secure, MailboxAddress? sender, MailboxAddress recipient)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(recipient);
        var domain = recipient.NormalizedDomain;
        var context = new RelayContext(authenticated, secure, policy.Range?.Id, sender?.NormalizedDomain ?? "", domain);
        var (verdict, rule) = RelayRuleEvaluator.Evaluate(snapshot.RelayRules, context);
        switch (verdict)
        {
            case RelayVerdict.Deny:
                return Refuse(new SmtpReply(550, "5.7.1", RuleText(rule!, "Recipient refused by policy")), $"relay rule '{rule!.Name}' denies");
            case RelayVerdict.TlsRequired:
                return Refuse(new SmtpReply(530, "5.7.0", RuleText(rule!, "Must issue a STARTTLS command first")), $"relay rule '{rule!.Name}' requires TLS");
        }

        // Address literals are never local: we do not guess which of our addresses the client meant.
        if (!recipient.IsAddressLiteral && snapshot.IsLocalDomain(domain))
        {
            // RFC 5321 §3.6.2 / §7.1: the local part is taken literally: "a%b@local", "b!a@local" and
            // quoted "a@b"@local never route anywhere; they are simply not mailboxes here.
            var targets = recipient.HasRoutingCharacters ? null : Resolve(snapshot, recipient.LookupKey, 0);
            if (targets is null || targets.Count == 0)
            {
                return Refuse(SmtpReplies.UnknownUser, "unknown local user");
            }
            if (!authenticated && !policy.MayDeliverLocallyWithoutAuth)
            {
                return Refuse(SmtpReplies.AuthRequired, "range requires authentication for local delivery");
            }
            return new RecipientDecision(targets, null, "local");
        }

        if (authenticated || policy.MayRelay || verdict == RelayVerdict.Allow)
        {
            return new RecipientDecision([new RecipientTarget(recipient.ToString(), false)], null,
                authenticated ? "relay: authenticated" : policy.MayRelay ? "relay: range allows relay" : $"relay: rule '{rule!.Name}'");
        }
        return Refuse(SmtpReplies.RelayDenied, "relay access denied");
    }

    private static string RuleText(RelayRuleSpec rule, string fallback) => rule.Text.Trim().Length > 0 ? rule.Text.Trim() : fallback;

    /// <summary>An account, or an alias expanded (aliases to aliases up to a few levels deep).</summary>
    private static List<RecipientTarget>? Resolve(MailHostSnapshot snapshot, string key, int depth)
    {
        if (snapshot.Accounts.ContainsKey(key))
        {
            return [new RecipientTarget(key, true)];
        }
        if (depth > 5 || !snapshot.Aliases.TryGetValue(key, out var aliasTargets))
        {
            return null;
        }
        var result = new List<RecipientTarget>();
        foreach (var target in aliasTargets)
        {
            var at = target.LastIndexOf('@');
            var targetDomain = at < 0 ? "" : target[(at + 1)..];
            if (snapshot.IsLocalDomain(targetDomain))
            {
                result.AddRange(Resolve(snapshot, target, depth + 1) ?? []);
            }
            else if (at > 0)
            {
                result.Add(new RecipientTarget(target, false));
            }
        }
        return result.DistinctBy(t => t.Address).ToList();
    }
}
