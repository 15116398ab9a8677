namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>Issue 12 defects 2 and 3: \Recent for IMAP4rev1 sessions, and FLAGS announced before a new keyword is used.</summary>
[Collection("imap-conformance")]
public sealed class RecentAndFlagsTests(ConformanceFixture fixture)
{
    private const string Message = "From: a@example.org\r\nSubject: r\r\n\r\nbody\r\n";

    [Fact]
    public async Task Select_NewMessages_RecentGoesToOneSessionOnly()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", Message);
        await fixture.PutAsync(user, "INBOX", Message, "\\Seen");
        await using var a = await fixture.OpenAsync(user);
        var selectA = await a.CommandAsync("s", "SELECT INBOX");
        Assert.Contains("* 2 RECENT", selectA);
        Assert.Contains(await a.CommandAsync("f", "FETCH 1 FLAGS"), l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal) && l.Contains("\\Recent"));
        Assert.Equal("* SEARCH 1", (await a.CommandAsync("n", "SEARCH NEW"))[0]);
        Assert.Equal("* SEARCH", (await a.CommandAsync("o", "SEARCH OLD"))[0]);

        await using var b = await fixture.OpenAsync(user);
        Assert.Contains("* 0 RECENT", await b.CommandAsync("s", "SELECT INBOX"));
        Assert.Equal("* SEARCH", (await b.CommandAsync("r", "SEARCH RECENT"))[0]);
        Assert.Equal("* SEARCH 1 2", (await b.CommandAsync("o", "SEARCH OLD"))[0]);

        await fixture.PutAsync(user, "INBOX", Message);
        var noopA = await a.CommandAsync("n", "NOOP");
        Assert.Contains("* 3 EXISTS", noopA);
        Assert.Contains("* 3 RECENT", noopA);
        var noopB = await b.CommandAsync("n", "NOOP");
        Assert.Contains("* 3 EXISTS", noopB);
        Assert.Contains("* 0 RECENT", noopB);
        Assert.Equal("* SEARCH 1 2 3", (await a.CommandAsync("r", "SEARCH RECENT"))[0]);
    }

    [Fact]
    public async Task Status_Recent_CountsUnclaimedAndRev2SessionsDoNotClaim()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", Message);
        await using var rev2 = await fixture.OpenAsync(user);
        Assert.Contains("* ENABLED IMAP4rev2", await rev2.CommandAsync("e", "ENABLE IMAP4rev2"));
        var select = await rev2.CommandAsync("s", "SELECT INBOX");
        Assert.DoesNotContain(select, l => l.Contains("RECENT", StringComparison.Ordinal));
        Assert.DoesNotContain(await rev2.CommandAsync("f", "FETCH 1 FLAGS"), l => l.Contains("\\Recent", StringComparison.Ordinal));

        await using var rev1 = await fixture.OpenAsync(user);
        Assert.Contains("* STATUS INBOX (RECENT 1 MESSAGES 1)", await rev1.CommandAsync("t", "STATUS INBOX (RECENT MESSAGES)"));
        Assert.Contains("* 1 RECENT", await rev1.CommandAsync("s", "EXAMINE INBOX"));
        // EXAMINE must not take \Recent away (RFC 3501 §6.3.2).
        await using var other = await fixture.OpenAsync(user);
        Assert.Contains("* 1 RECENT", await other.CommandAsync("s", "SELECT INBOX"));
        Assert.Contains("* STATUS INBOX (RECENT 0)", await rev1.CommandAsync("t", "STATUS INBOX (RECENT)"));
    }

    [Fact]
    public async Task Store_NewKeyword_FlagsAnnouncedFirstToEverySession()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", Message);
        await using var a = await fixture.OpenAsync(user);
        await using var b = await fixture.OpenAsync(user);
        await a.CommandAsync("s", "SELECT INBOX");
        await b.CommandAsync("s", "SELECT INBOX");
        var store = await a.CommandAsync("k", "STORE 1 +FLAGS ($Urgent)");
        var flags = store.FindIndex(l => l.StartsWith("* FLAGS (", StringComparison.Ordinal) && l.Contains("$Urgent"));
        var permanent = store.FindIndex(l => l.StartsWith("* OK [PERMANENTFLAGS (", StringComparison.Ordinal) && l.Contains("$Urgent"));
        var fetch = store.FindIndex(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal));
        Assert.True(flags >= 0 && permanent >= 0 && fetch > flags && fetch > permanent, string.Join(" | ", store));

        var noop = await b.CommandAsync("n", "NOOP");
        flags = noop.FindIndex(l => l.StartsWith("* FLAGS (", StringComparison.Ordinal) && l.Contains("$Urgent"));
        fetch = noop.FindIndex(l => l.StartsWith("* 1 FETCH", StringComparison.Ordinal) && l.Contains("$Urgent"));
        Assert.True(flags >= 0 && fetch > flags, string.Join(" | ", noop));
        // Announced once: a second use of the same keyword sends no FLAGS again.
        Assert.DoesNotContain(await a.CommandAsync("k", "STORE 1 -FLAGS ($Urgent)"), l => l.StartsWith("* FLAGS", StringComparison.Ordinal));
    }
}
