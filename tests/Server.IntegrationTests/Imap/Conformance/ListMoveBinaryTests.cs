namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>Issue 12 defects 6, 7 and 9: LIST-EXTENDED details, MOVE into the same mailbox, BINARY.</summary>
[Collection("imap-conformance")]
public sealed class ListMoveBinaryTests(ConformanceFixture fixture)
{
    [Fact]
    public async Task List_UnknownSelectionOrReturnOption_IsBad()
    {
        await using var c = await fixture.OpenAsync(fixture.NewAccount());
        Assert.StartsWith("a BAD", (await c.CommandAsync("a", "LIST (BOGUS) \"\" \"*\""))[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b", "LIST \"\" \"*\" RETURN (BOGUS)"))[^1]);
        // RFC 5258 §3: RECURSIVEMATCH alone is an error.
        Assert.StartsWith("c BAD", (await c.CommandAsync("c", "LIST (RECURSIVEMATCH) \"\" \"*\""))[^1]);
        Assert.StartsWith("d OK", (await c.CommandAsync("d", "LIST (SUBSCRIBED REMOTE) \"\" \"*\" RETURN (CHILDREN SUBSCRIBED SPECIAL-USE)"))[^1]);
    }

    [Fact]
    public async Task ListSubscribed_DeletedMailbox_NonExistent()
    {
        await using var c = await fixture.OpenAsync(fixture.NewAccount());
        await c.CommandAsync("a", "CREATE Gone");
        await c.CommandAsync("b", "SUBSCRIBE Gone");
        Assert.StartsWith("c OK", (await c.CommandAsync("c", "DELETE Gone"))[^1]);
        var list = await c.CommandAsync("d", "LIST (SUBSCRIBED) \"\" \"*\"");
        Assert.Contains("* LIST (\\Subscribed \\NonExistent) \"/\" Gone", list);
        Assert.Contains("* LSUB () \"/\" Gone", await c.CommandAsync("e", "LSUB \"\" \"*\""));
        Assert.DoesNotContain(await c.CommandAsync("f", "LIST \"\" \"*\""), l => l.EndsWith(" Gone", StringComparison.Ordinal));
        await c.CommandAsync("g", "UNSUBSCRIBE Gone");
        Assert.DoesNotContain(await c.CommandAsync("h", "LIST (SUBSCRIBED) \"\" \"*\""), l => l.EndsWith(" Gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListRecursiveMatch_SubscribedChild_ChildInfo_AndLsubNoselectParent()
    {
        await using var c = await fixture.OpenAsync(fixture.NewAccount());
        await c.CommandAsync("a", "CREATE Top");
        await c.CommandAsync("b", "CREATE Top/Kid");
        await c.CommandAsync("c", "SUBSCRIBE Top/Kid");
        var list = await c.CommandAsync("d", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)");
        Assert.Contains(list, l => l.StartsWith("* LIST (", StringComparison.Ordinal) && l.EndsWith("\"/\" Top (\"CHILDINFO\" (\"SUBSCRIBED\"))", StringComparison.Ordinal));
        Assert.DoesNotContain(list, l => l.Contains("Top/Kid", StringComparison.Ordinal));
        var lsub = await c.CommandAsync("e", "LSUB \"\" \"%\"");
        Assert.Contains("* LSUB (\\Noselect) \"/\" Top", lsub);
    }

    [Fact]
    public async Task UidMove_IntoSameMailbox_NewUidExpungeAndExists()
    {
        var user = fixture.NewAccount();
        var uid = await fixture.PutAsync(user, "INBOX", "Subject: m\r\n\r\nx\r\n");
        await using var c = await fixture.OpenAsync(user);
        await c.CommandAsync("s", "SELECT INBOX");
        var move = await c.CommandAsync("m", $"UID MOVE {uid} INBOX");
        Assert.StartsWith("m OK", move[^1]);
        Assert.Contains(move, l => l.StartsWith($"* OK [COPYUID ", StringComparison.Ordinal) && l.Contains($" {uid} {uid + 1}]"));
        Assert.Contains("* 1 EXPUNGE", move);
        Assert.Contains("* 1 EXISTS", move);
        Assert.Contains($"* 1 FETCH (UID {uid + 1})", await c.CommandAsync("f", "FETCH 1:* UID"));
    }

    [Fact]
    public async Task Binary_AdvertisedAndUnknownEncodingRefused()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", "Subject: b\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n");
        await fixture.PutAsync(user, "INBOX", "Subject: b\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n");
        await using var c = await fixture.OpenAsync(user);
        Assert.Contains(await c.CommandAsync("c", "CAPABILITY"), l => l.StartsWith("* CAPABILITY ", StringComparison.Ordinal) && l.Contains(" BINARY"));
        await c.CommandAsync("s", "SELECT INBOX");
        Assert.StartsWith("f NO [UNKNOWN-CTE]", (await c.CommandAsync("f", "FETCH 1 BINARY.PEEK[1]"))[^1]);
        Assert.StartsWith("g NO [UNKNOWN-CTE]", (await c.CommandAsync("g", "FETCH 1 BINARY.SIZE[1]"))[^1]);
        var ok = await c.CommandAsync("h", "FETCH 2 BINARY.PEEK[1]");
        Assert.Contains(ok, l => l.StartsWith("* 2 FETCH (BINARY[1] ", StringComparison.Ordinal) && l.EndsWith("{5}", StringComparison.Ordinal));
        Assert.Contains("hello)", ok);
    }
}
