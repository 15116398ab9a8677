using System.Text;
using MailHost.Server.Imap;
using MailHost.Server.Storage;

namespace MailHost.Server.Tests.Imap;

/// <summary>RFC 5256 §3 threading on hand-built messages; expected trees worked out by hand from the RFC's steps.</summary>
public sealed class ThreadBuilderTests
{
    private static SortItem Msg(int seq, string subject, int day, string? id = null, string? refs = null, string? inReplyTo = null)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"Subject: {subject}\r\nDate: {day} Mar 2026 10:00:00 +0000\r\n");
        if (id is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Message-ID: <{id}>\r\n");
        }
        if (refs is not null)
        {
            head.Append("References: ").Append(string.Join(' ', refs.Split(' ').Select(r => $"<{r}>"))).Append("\r\n");
        }
        if (inReplyTo is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"In-Reply-To: {inReplyTo}\r\n");
        }
        head.Append("\r\n");
        var entry = new MessageEntry(seq * 10, 100, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), [], "", 1);
        return new SortItem(seq, entry, MessageHeaders.Parse(Encoding.ASCII.GetBytes(head.ToString())));
    }

    private static string Refs(params SortItem[] items) => ThreadBuilder.Format(ThreadBuilder.References(items), i => i.Seq);

    [Fact]
    public void References_ChainWithBranches()
    {
        // 1 <- 2 <- 3, 2 <- 4 (two replies to 2), 5 unrelated.
        var t = Refs(
            Msg(1, "topic", 1, "a"),
            Msg(2, "Re: topic", 2, "b", "a"),
            Msg(3, "Re: topic", 3, "c", "a b"),
            Msg(4, "Re: topic", 4, "d", "a b"),
            Msg(5, "other", 5, "e"));
        Assert.Equal("(1 2 (3)(4))(5)", t);
    }

    [Fact]
    public void References_MissingParentAtRootKeepsDummyForSeveralChildren()
    {
        // Both reply to <gone>, which is not in the mailbox: a dummy at the root holds them.
        var t = Refs(Msg(1, "Re: x", 1, "a", "gone"), Msg(2, "Re: y", 2, "b", "gone"));
        Assert.Equal("((1)(2))", t);
    }

    [Fact]
    public void References_MissingParentWithOneChildIsPromoted()
    {
        var t = Refs(Msg(1, "Re: x", 1, "a", "gone"), Msg(2, "other", 2, "b"));
        Assert.Equal("(1)(2)", t);
    }

    [Fact]
    public void References_DummyInsideThreadIsPromoted()
    {
        // 3 references a, missing, 2? No: a -> missing -> 3: the missing middle goes, 3 becomes a child of 1.
        var t = Refs(Msg(1, "topic", 1, "a"), Msg(3, "Re: topic", 3, "c", "a missing"));
        Assert.Equal("(1 3)", t);
    }

    [Fact]
    public void References_InReplyToUsedWithoutReferences()
    {
        var t = Refs(Msg(1, "topic", 1, "a"), Msg(2, "Re: topic", 2, "b", null, "Alice's message <a> of Monday"));
        Assert.Equal("(1 2)", t);
    }

    [Fact]
    public void References_LoopIsNotLinkedAndSelfReferenceIgnored()
    {
        // 1 says its parent is b, 2 says its parent is a: the second link would close a loop and is not made.
        var t = Refs(Msg(1, "p", 1, "a", "b"), Msg(2, "q", 2, "b", "a"), Msg(3, "r", 3, "c", "c"));
        Assert.Equal("(2 1)(3)", t);
    }

    [Fact]
    public void References_DuplicateMessageIdGetsItsOwnNode()
    {
        // 2 reuses 1's Message-ID: it is a separate message; 3 replies to the first.
        var t = Refs(Msg(1, "one", 1, "a"), Msg(2, "two", 2, "a"), Msg(3, "Re: one", 3, "c", "a"));
        Assert.Equal("(1 3)(2)", t);
    }

    [Fact]
    public void References_SameSubjectWithoutReferencesMerged()
    {
        // Step 6: no headers link them, but the base subjects match; the reply goes under the original (6.D.iii).
        var t = Refs(Msg(1, "lunch", 1, "a"), Msg(2, "other", 2, "b"), Msg(3, "Re: lunch", 3, "c"));
        Assert.Equal("(1 3)(2)", t);
    }

    [Fact]
    public void References_TwoNonRepliesSameSubjectGetDummy()
    {
        // 6.D.iv: two originals with one subject become children of a new dummy.
        var t = Refs(Msg(1, "lunch", 1, "a"), Msg(2, "lunch", 2, "b"));
        Assert.Equal("((1)(2))", t);
    }

    [Fact]
    public void References_SortedBySentDateThenSequence()
    {
        var t = Refs(Msg(1, "late", 9, "a"), Msg(2, "early", 1, "b"), Msg(3, "Re: late", 2, "c", "a"), Msg(4, "Re: late", 2, "d", "a"));
        Assert.Equal("(2)(1 (3)(4))", t);
    }

    [Fact]
    public void OrderedSubject_GroupsByBaseSubjectFirstIsParent()
    {
        var t = ThreadBuilder.Format(ThreadBuilder.OrderedSubject([
            Msg(1, "b topic", 3),
            Msg(2, "Re: a topic", 2),
            Msg(3, "A topic", 1),
            Msg(4, "re: B TOPIC", 4),
            Msg(5, "a topic", 5),
            Msg(6, "c", 0),
        ]), i => i.Seq);
        Assert.Equal("(6)(3 (2)(5))(1 4)", t);
    }
}
