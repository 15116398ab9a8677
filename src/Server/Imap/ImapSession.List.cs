using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>LIST and LSUB with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154) and LIST-STATUS (RFC 5819).</summary>
internal sealed partial class ImapSession
{
    private static readonly HashSet<string> ListSelectionOptions = new(["SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> ListReturnOptions = new(["SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS"], StringComparer.OrdinalIgnoreCase);

    /// <summary>One name LIST may report: a mailbox, or a subscribed name / parent that is not one.</summary>
    private sealed record ListName(string Name, MailboxInfo? Box, bool Subscribed);

    private async Task ListAsync(string tag, ImapReader r, bool lsub, CancellationToken ct)
    {
        r.Space();
        var selection = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!lsub && r.Peek() == '(')
        {
            selection = ReadOptionList(r);
            r.Space();
        }
        var reference = MailboxName(r.ListMailbox());
        r.Space();
        var patterns = new List<string>();
        if (!lsub && r.Peek() == '(')
        {
            r.Expect('(');
            do
            {
                patterns.Add(MailboxName(r.ListMailbox()));
            }
            while (r.TryChar(' '));
            r.Expect(')');
        }
        else
        {
            patterns.Add(MailboxName(r.ListMailbox()));
        }
        var returns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        List<string>? statusItems = null;
        if (!lsub && r.TryChar(' '))
        {
            if (!r.Atom().Equals("RETURN", StringComparison.OrdinalIgnoreCase))
            {
                throw new ImapParseException("expected RETURN");
            }
            r.Space();
            r.Expect('(');
            while (!r.TryChar(')'))
            {
                r.TryChar(' ');
                var option = r.Atom().ToUpperInvariant();
                returns.Add(option);
                if (option == "STATUS")
                {
                    r.Space();
                    statusItems = ReadOptionList(r).Select(s => s.ToUpperInvariant()).ToList();
                }
            }
        }
        r.End();
        // RFC 5258 §3: unknown options are errors, and RECURSIVEMATCH needs another selection option.
        if (selection.FirstOrDefault(o => !ListSelectionOptions.Contains(o)) is { } badSelection)
        {
            throw new ImapParseException($"unknown LIST selection option {badSelection}");
        }
        if (returns.FirstOrDefault(o => !ListReturnOptions.Contains(o)) is { } badReturn)
        {
            throw new ImapParseException($"unknown LIST return option {badReturn}");
        }
        var recursive = selection.Contains("RECURSIVEMATCH");
        if (recursive && !selection.Contains("SUBSCRIBED") && !selection.Contains("SPECIAL-USE"))
        {
            throw new ImapParseException("RECURSIVEMATCH needs SUBSCRIBED or SPECIAL-USE");
        }
        var word = lsub ? "LSUB" : "LIST";
        if (patterns.Count == 1 && patterns[0].Length == 0)
        {
            // RFC 9051 §6.3.9: an empty pattern asks for the hierarchy delimiter.
            _out.Line($"* {word} (\\Noselect) \"/\" \"\"");
            _out.Line($"{tag} OK {word} completed");
            return;
        }
        var subscribedOnly = lsub || selection.Contains("SUBSCRIBED");
        var specialOnly = selection.Contains("SPECIAL-USE");
        var showSubscribed = !lsub && (selection.Contains("SUBSCRIBED") || returns.Contains("SUBSCRIBED"));
        var boxes = await _store.ListMailboxesAsync(Account, ct);
        var names = await ListNamesAsync(boxes, subscribedOnly, ct);
        var regexes = patterns.Select(p => PatternRegex(reference, p)).ToList();
        bool Matches(string name) => regexes.Any(x => x.IsMatch(name));
        bool Selected(ListName n) => (!subscribedOnly || n.Subscribed) && (!specialOnly || n.Box?.SpecialUse is not null);
        foreach (var n in names)
        {
            if (!Matches(n.Name))
            {
                continue;
            }
            var descendants = names.Where(d => d.Name.StartsWith(n.Name + MailStore.Separator, StringComparison.Ordinal) && Selected(d)).ToList();
            var attributes = new List<string>();
            string? childInfo = null;
            if (!Selected(n))
            {
                // RFC 5258 §3.5 CHILDINFO; RFC 3501 §6.3.9: LSUB shows a hidden subscribed child's parent as \Noselect.
                if (lsub && descendants.Any(d => !Matches(d.Name)))
                {
                    attributes.Add("\\Noselect");
                }
                else if (!lsub && recursive && descendants.Count > 0)
                {
                    childInfo = selection.Contains("SUBSCRIBED") ? "SUBSCRIBED" : "SPECIAL-USE";
                }
                else
                {
                    continue;
                }
            }
            if (n.Box is null && !lsub)
            {
                attributes.Add("\\NonExistent");
            }
            else if (n.Box is not null && (!lsub || attributes.Count == 0))
            {
                attributes.Add(boxes.Any(b => b.Name.StartsWith(n.Name + MailStore.Separator, StringComparison.Ordinal)) ? "\\HasChildren" : "\\HasNoChildren");
            }
            if (showSubscribed && n.Subscribed)
            {
                attributes.Insert(0, "\\Subscribed");
            }
            if (n.Box?.SpecialUse is { } use && !lsub)
            {
                attributes.Add(use);
            }
            if (lsub && n.Box is null)
            {
                attributes.Remove("\\NonExistent");
            }
            _out.Raw($"* {word} ({string.Join(' ', attributes)}) \"/\" ").AString(DisplayName(n.Name));
            _out.Raw(childInfo is null ? "\r\n" : $" (\"CHILDINFO\" (\"{childInfo}\"))\r\n");
            if (statusItems is not null && n.Box is not null && Selected(n))
            {
                await WriteStatusAsync(n.Box, statusItems, ct);
            }
        }
        _out.Line($"{tag} OK {word} completed");
    }

    /// <summary>Mailboxes, plus (when subscriptions matter) subscribed names that no longer exist and parents of those.</summary>
    private async Task<List<ListName>> ListNamesAsync(IReadOnlyList<MailboxInfo> boxes, bool withOrphans, CancellationToken ct)
    {
        var names = boxes.Select(b => new ListName(b.Name, b, b.Subscribed)).ToList();
        if (!withOrphans)
        {
            return names;
        }
        var known = names.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in await _store.OrphanSubscriptionsAsync(Account, ct))
        {
            if (known.Add(orphan))
            {
                names.Add(new ListName(orphan, null, true));
            }
            var parts = orphan.Split(MailStore.Separator);
            for (var i = 1; i < parts.Length; i++)
            {
                var parent = string.Join(MailStore.Separator, parts[..i]);
                if (known.Add(parent))
                {
                    names.Add(new ListName(parent, null, false));
                }
            }
        }
        return names;
    }
}
