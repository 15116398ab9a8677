using MailHost.Server.Storage;

namespace MailHost.Server.Imap;

/// <summary>The events of RFC 5465 that MailHost reports; AnnotationChange and the METADATA events are refused with BADEVENT.</summary>
[Flags]
internal enum NotifyEvents
{
    None = 0,
    MessageNew = 1,
    MessageExpunge = 2,
    FlagChange = 4,
    MailboxName = 8,
    SubscriptionChange = 16,
    MessageEvents = MessageNew | MessageExpunge | FlagChange,
}

/// <summary>RFC 5465 §6: which mailboxes an event group watches.</summary>
internal enum NotifyFilter
{
    Selected,
    SelectedDelayed,
    Inboxes,
    Personal,
    Subscribed,
    Subtree,
    Mailboxes,
}

internal sealed record NotifyGroup(NotifyFilter Filter, IReadOnlyList<string> Names, NotifyEvents Events);

/// <summary>An event named in NOTIFY SET that MailHost does not report: the command is NO [BADEVENT] (RFC 5465 §3.1).</summary>
internal sealed class NotifyBadEventException(string name) : Exception($"unsupported event {name}");

/// <summary>A parsed NOTIFY SET (RFC 5465 §8), checked against the rules of §5 and §6.1.</summary>
internal sealed class NotifySpec
{
    /// <summary>Every event we support, for the BADEVENT response code.</summary>
    public const string Supported = "MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange";

    private const int MaxGroups = 64;
    private const int MaxNames = 256;

    public bool Status { get; private init; }

    /// <summary>The SELECTED or SELECTED-DELAYED group, if any.</summary>
    public NotifyGroup? Selected { get; private init; }

    /// <summary>MessageNew's fetch-atts for the selected mailbox, UID first (empty: EXISTS only).</summary>
    public IReadOnlyList<FetchItem> FetchItems { get; private init; } = [];

    public IReadOnlyList<NotifyGroup> Others { get; private init; } = [];

    public bool Delayed => Selected?.Filter == NotifyFilter.SelectedDelayed;

    public NotifyEvents SelectedEvents => Selected?.Events ?? NotifyEvents.None;

    /// <summary>The union of the events every non-selected group asks for this mailbox name (§6: groups add up).</summary>
    public NotifyEvents EventsFor(string name, bool subscribed)
    {
        var events = NotifyEvents.None;
        foreach (var g in Others)
        {
            var match = g.Filter switch
            {
                // §6.3: "inboxes" may be treated as "personal" when the set is hard to compute; every
                // mailbox of ours can receive mail (a Sieve-less server delivers to INBOX, APPEND to any).
                NotifyFilter.Inboxes or NotifyFilter.Personal => true,
                NotifyFilter.Subscribed => subscribed,
                NotifyFilter.Subtree => g.Names.Any(n => name == n || name.StartsWith(n + MailStore.Separator, StringComparison.Ordinal)),
                _ => g.Names.Contains(name),
            };
            if (match)
            {
                events |= g.Events;
            }
        }
        return events;
    }

    /// <summary>Parses what follows "NOTIFY SET"; <paramref name="mailboxName"/> turns a wire name into ours.</summary>
    public static NotifySpec Parse(ImapReader r, Func<string, string> mailboxName)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(mailboxName);
        r.Space();
        var status = false;
        if (r.Peek() != '(')
        {
            if (!r.Atom().Equals("STATUS", StringComparison.OrdinalIgnoreCase))
            {
                throw new ImapParseException("expected STATUS or an event group");
            }
            status = true;
            r.Space();
        }
        NotifyGroup? selected = null;
        List<FetchItem> fetch = [];
        var others = new List<NotifyGroup>();
        string? unsupported = null;
        do
        {
            if (others.Count + 1 > MaxGroups)
            {
                throw new ImapParseException($"too many event groups (limit {MaxGroups})");
            }
            r.Expect('(');
            var filter = ReadFilter(r, mailboxName, out var names);
            r.Space();
            var isSelected = filter is NotifyFilter.Selected or NotifyFilter.SelectedDelayed;
            var events = ReadEvents(r, out var atts, ref unsupported, isSelected);
            r.Expect(')');
            if (atts is not null && !isSelected)
            {
                throw new ImapParseException("MessageNew fetch attributes only with SELECTED or SELECTED-DELAYED");
            }
            if (isSelected)
            {
                if (selected is not null)
                {
                    throw new ImapParseException("only one of SELECTED and SELECTED-DELAYED"); // §6.1
                }
                selected = new NotifyGroup(filter, [], events);
                fetch = atts ?? [];
            }
            else
            {
                others.Add(new NotifyGroup(filter, names, events));
            }
        }
        while (r.TryChar(' '));
        if (unsupported is not null)
        {
            throw new NotifyBadEventException(unsupported);
        }
        if (fetch.Count > 0 && !fetch.Any(i => i.Kind == FetchKind.Uid))
        {
            fetch.Insert(0, new FetchItem(FetchKind.Uid)); // §5.1/§5.2 examples: every unsolicited FETCH carries UID
        }
        return new NotifySpec { Status = status, Selected = selected, FetchItems = fetch, Others = others };
    }

    private static NotifyFilter ReadFilter(ImapReader r, Func<string, string> mailboxName, out List<string> names)
    {
        names = [];
        var word = r.Atom().ToUpperInvariant();
        var filter = word switch
        {
            "SELECTED" => NotifyFilter.Selected,
            "SELECTED-DELAYED" => NotifyFilter.SelectedDelayed,
            "INBOXES" => NotifyFilter.Inboxes,
            "PERSONAL" => NotifyFilter.Personal,
            "SUBSCRIBED" => NotifyFilter.Subscribed,
            "SUBTREE" => NotifyFilter.Subtree,
            "MAILBOXES" => NotifyFilter.Mailboxes,
            _ => throw new ImapParseException($"unknown mailbox filter {word}"),
        };
        if (filter is NotifyFilter.Subtree or NotifyFilter.Mailboxes)
        {
            r.Space();
            // §6.6: names are taken literally, no wildcard expansion.
            var many = r.TryChar('(');
            do
            {
                if (names.Count >= MaxNames)
                {
                    throw new ImapParseException($"too many mailbox names (limit {MaxNames})");
                }
                names.Add(MailStore.NormalizeName(mailboxName(r.AString())));
            }
            while (many && r.TryChar(' '));
            if (many)
            {
                r.Expect(')');
            }
        }
        return filter;
    }

    private static NotifyEvents ReadEvents(ImapReader r, out List<FetchItem>? atts, ref string? unsupported, bool selected)
    {
        atts = null;
        if (!r.TryChar('('))
        {
            if (!r.Atom().Equals("NONE", StringComparison.OrdinalIgnoreCase))
            {
                throw new ImapParseException("expected an event list or NONE");
            }
            return NotifyEvents.None;
        }
        var events = NotifyEvents.None;
        var annotation = false;
        var first = true;
        while (!r.TryChar(')'))
        {
            if (!first)
            {
                r.Space();
            }
            first = false;
            var name = r.Atom();
            switch (name.ToUpperInvariant())
            {
                case "MESSAGENEW":
                    events |= NotifyEvents.MessageNew;
                    if (r.Peek() == ' ' && PeekAfterSpace(r) == '(')
                    {
                        r.Space();
                        atts = FetchItem.ParseList(r);
                        if (atts.Any(i => i.SetsSeen))
                        {
                            // §5.2: the client SHOULD NOT ask for items that set \Seen; a notification must not change the mailbox.
                            throw new ImapParseException("use BODY.PEEK in NOTIFY: fetch attributes must not set \\Seen");
                        }
                    }
                    break;
                case "MESSAGEEXPUNGE":
                    events |= NotifyEvents.MessageExpunge;
                    break;
                case "FLAGCHANGE":
                    events |= NotifyEvents.FlagChange;
                    break;
                case "ANNOTATIONCHANGE":
                    annotation = true;
                    unsupported ??= name;
                    break;
                case "MAILBOXNAME":
                    events |= NotifyEvents.MailboxName;
                    break;
                case "SUBSCRIPTIONCHANGE":
                    events |= NotifyEvents.SubscriptionChange;
                    break;
                default:
                    // MailboxMetadataChange and ServerMetadataChange need METADATA (RFC 5464), which MailHost lacks; any
                    // other atom is an event-ext we do not know. Both are NO [BADEVENT], after the BAD checks below.
                    if (selected && name.ToUpperInvariant() is "MAILBOXMETADATACHANGE" or "SERVERMETADATACHANGE")
                    {
                        throw new ImapParseException($"{name} is not a message event: not with SELECTED"); // §6.1
                    }
                    unsupported ??= name;
                    break;
            }
        }
        var hasNew = events.HasFlag(NotifyEvents.MessageNew);
        var hasExpunge = events.HasFlag(NotifyEvents.MessageExpunge);
        if ((events.HasFlag(NotifyEvents.FlagChange) || annotation) && !(hasNew && hasExpunge))
        {
            throw new ImapParseException("FlagChange and AnnotationChange need MessageNew and MessageExpunge"); // §5
        }
        if (hasNew != hasExpunge)
        {
            throw new ImapParseException("MessageNew and MessageExpunge go together"); // §5
        }
        if (selected && (events & ~NotifyEvents.MessageEvents) != 0)
        {
            throw new ImapParseException("only message events with SELECTED or SELECTED-DELAYED"); // §6.1
        }
        return events;
    }

    private static int PeekAfterSpace(ImapReader r)
    {
        var at = r.Position;
        r.Space();
        var next = r.Peek();
        r.Position = at;
        return next;
    }
}
