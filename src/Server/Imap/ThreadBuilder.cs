using System.Text;

namespace MailHost.Server.Imap;

/// <summary>A thread tree node: a message, or a dummy (no message) that only groups its children.</summary>
internal sealed class ThreadNode(SortItem? item)
{
    public SortItem? Item { get; set; } = item;
    public ThreadNode? Parent { get; set; }
    public List<ThreadNode> Children { get; } = [];
    public bool IsDummy => Item is null;

    public void Add(ThreadNode child)
    {
        child.Parent?.Children.Remove(child);
        child.Parent = this;
        Children.Add(child);
    }

    public void Detach()
    {
        Parent?.Children.Remove(this);
        Parent = null;
    }

    /// <summary>Whether <paramref name="other"/> is this node or below it (a link to it would make a loop).</summary>
    public bool Reaches(ThreadNode other)
    {
        var stack = new Stack<ThreadNode>([this]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n == other)
            {
                return true;
            }
            foreach (var c in n.Children)
            {
                stack.Push(c);
            }
        }
        return false;
    }
}

/// <summary>
/// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES exactly as RFC 5256 §3 describes them, and the
/// thread-list syntax of the response ("(2)(3 6 (4 23)(44 7 96))").
/// </summary>
internal static class ThreadBuilder
{
    /// <summary>ORDEREDSUBJECT: sort by (base subject, sent date); each subject group is one thread whose first message is the parent of the rest.</summary>
    public static List<ThreadNode> OrderedSubject(IEnumerable<SortItem> items)
    {
        var sorted = items.Select(i => (Item: i, Base: BaseSubject.Extract(i.Headers.Subject).Base))
            .OrderBy(x => x.Base, Comparer<string>.Create(SortKeys.AsciiCasemap))
            .ThenBy(x => x.Item.SentDate).ThenBy(x => x.Item.Seq).ToList();
        var roots = new List<ThreadNode>();
        ThreadNode? current = null;
        string? currentBase = null;
        foreach (var (item, subject) in sorted)
        {
            if (current is null || SortKeys.AsciiCasemap(subject, currentBase!) != 0)
            {
                current = new ThreadNode(item);
                currentBase = subject;
                roots.Add(current);
            }
            else
            {
                current.Add(new ThreadNode(item));
            }
        }
        // Threads in the order of their first message's sent date; children are already in date order.
        return [.. roots.OrderBy(n => n.Item!.SentDate).ThenBy(n => n.Item!.Seq)];
    }

    /// <summary>REFERENCES (RFC 5256 §3, steps 1 to 7).</summary>
    public static List<ThreadNode> References(IEnumerable<SortItem> items)
    {
        // Step 1: containers by Message-ID, linked along each message's References.
        var byId = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        var all = new List<ThreadNode>();
        foreach (var item in items.OrderBy(i => i.Seq))
        {
            ThreadNode node;
            var id = item.Headers.MessageId;
            if (id is not null && byId.TryGetValue(id, out var existing) && existing.IsDummy)
            {
                existing.Item = item;
                node = existing;
            }
            else
            {
                // No Message-ID, or one a lower-numbered message already has: this message gets a unique id of its own.
                node = new ThreadNode(item);
                if (id is not null && !byId.ContainsKey(id))
                {
                    byId[id] = node;
                }
            }
            all.Add(node);
            ThreadNode? previous = null;
            foreach (var refId in item.Headers.References)
            {
                if (!byId.TryGetValue(refId, out var container))
                {
                    container = new ThreadNode(null);
                    byId[refId] = container;
                    all.Add(container);
                }
                // 1.A: link consecutive references unless the child already has a parent or it would loop.
                if (previous is not null && container.Parent is null && container != previous && !container.Reaches(previous))
                {
                    previous.Add(container);
                }
                previous = container;
            }
            // 1.B: the last reference becomes this message's parent, replacing a parent from a truncated chain.
            if (previous is null)
            {
                node.Detach();
            }
            else if (previous != node && !node.Reaches(previous))
            {
                previous.Add(node);
            }
        }
        // Step 2: the root set.
        var roots = all.Where(n => n.Parent is null).Distinct().ToList();
        // Step 4: prune dummies.
        roots = Prune(roots, atRoot: true);
        // Step 5: sort the root set by sent date (a dummy by its first child).
        foreach (var n in roots)
        {
            SortSiblings(n.Children);
        }
        SortSiblings(roots);
        // Step 6: merge threads with the same base subject.
        roots = MergeBySubject(roots);
        // Step 7: sort every set of siblings, deepest first.
        SortAll(roots);
        return roots;
    }

    private static List<ThreadNode> Prune(List<ThreadNode> siblings, bool atRoot)
    {
        var result = new List<ThreadNode>();
        foreach (var node in siblings)
        {
            var children = Prune([.. node.Children], atRoot: false);
            foreach (var c in node.Children.ToList())
            {
                c.Detach();
            }
            foreach (var c in children)
            {
                node.Add(c);
            }
            if (!node.IsDummy)
            {
                result.Add(node);
            }
            else if (node.Children.Count == 0)
            {
                // 4.A: a dummy without children goes.
            }
            else if (atRoot && node.Children.Count > 1)
            {
                // 4.B: children are not promoted to the root unless there is only one.
                result.Add(node);
            }
            else
            {
                foreach (var c in node.Children.ToList())
                {
                    c.Detach();
                    c.Parent = atRoot ? null : node.Parent;
                    result.Add(c);
                }
            }
        }
        if (atRoot)
        {
            foreach (var n in result)
            {
                n.Parent = null;
            }
        }
        return result;
    }

    private static List<ThreadNode> MergeBySubject(List<ThreadNode> roots)
    {
        var table = new Dictionary<string, ThreadNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in roots)
        {
            var (subject, isReply) = SubjectOf(node);
            if (subject.Length == 0)
            {
                continue;
            }
            if (!table.TryGetValue(subject, out var old)
                || node.IsDummy && !old.IsDummy
                || !old.IsDummy && !node.IsDummy && SubjectOf(old).IsReply && !isReply)
            {
                table[subject] = node;
            }
        }
        var result = new List<ThreadNode>(roots);
        foreach (var node in roots)
        {
            var (subject, isReply) = SubjectOf(node);
            if (subject.Length == 0 || !table.TryGetValue(subject, out var holder) || holder == node)
            {
                continue;
            }
            result.Remove(node);
            if (holder.IsDummy && node.IsDummy)
            {
                // 6.D.i: both dummies: this one's children join the table's.
                foreach (var c in node.Children.ToList())
                {
                    holder.Add(c);
                }
            }
            else if (holder.IsDummy || node.IsDummy)
            {
                // 6.D.ii: the message becomes a child of the dummy (the table keeps the dummy by step 6.C).
                var dummy = holder.IsDummy ? holder : node;
                var message = holder.IsDummy ? node : holder;
                dummy.Add(message);
            }
            else if (!SubjectOf(holder).IsReply && isReply)
            {
                // 6.D.iii: a reply goes under the thread with the original subject.
                holder.Add(node);
            }
            else
            {
                // 6.D.iv: both become children of a new dummy that takes the table's place.
                var dummy = new ThreadNode(null);
                var at = result.IndexOf(holder);
                result[at] = dummy;
                dummy.Add(holder);
                dummy.Add(node);
                table[subject] = dummy;
            }
        }
        return result;
    }

    /// <summary>The thread's subject: its message's, or for a dummy its first child's.</summary>
    private static (string Base, bool IsReply) SubjectOf(ThreadNode node)
    {
        var source = node.IsDummy && node.Children.Count > 0 ? node.Children[0] : node;
        return source.Item is null ? ("", false) : BaseSubject.Extract(source.Item.Headers.Subject);
    }

    private static void SortAll(List<ThreadNode> siblings)
    {
        foreach (var n in siblings)
        {
            SortAll(n.Children);
        }
        SortSiblings(siblings);
    }

    private static void SortSiblings(List<ThreadNode> siblings) =>
        siblings.Sort((a, b) =>
        {
            var x = SortKey(a);
            var y = SortKey(b);
            var c = x.Date.CompareTo(y.Date);
            return c != 0 ? c : x.Seq.CompareTo(y.Seq);
        });

    private static (DateTimeOffset Date, int Seq) SortKey(ThreadNode node)
    {
        var n = node;
        while (n.IsDummy && n.Children.Count > 0)
        {
            n = n.Children[0];
        }
        return n.Item is null ? (DateTimeOffset.MinValue, 0) : (n.Item.SentDate, n.Item.Seq);
    }

    /// <summary>The THREAD response's thread list, numbers chosen by <paramref name="number"/> (sequence number or UID).</summary>
    public static string Format(List<ThreadNode> roots, Func<SortItem, long> number)
    {
        var sb = new StringBuilder();
        foreach (var root in roots)
        {
            sb.Append('(');
            Write(sb, root, number);
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, ThreadNode node, Func<SortItem, long> number)
    {
        // A chain of single children is written flat ("3 6"); two or more children each get parentheses.
        var n = node;
        var first = true;
        while (true)
        {
            if (n.Item is not null)
            {
                if (!first)
                {
                    sb.Append(' ');
                }
                sb.Append(number(n.Item).ToString(CultureInfo.InvariantCulture));
                first = false;
            }
            if (n.Children.Count == 1)
            {
                n = n.Children[0];
                continue;
            }
            if (n.Children.Count == 0)
            {
                return;
            }
            if (!first)
            {
                sb.Append(' ');
            }
            foreach (var c in n.Children)
            {
                sb.Append('(');
                Write(sb, c, number);
                sb.Append(')');
            }
            return;
        }
    }
}
