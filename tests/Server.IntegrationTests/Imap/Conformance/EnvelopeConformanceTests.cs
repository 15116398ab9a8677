namespace MailHost.Server.IntegrationTests.Imap.Conformance;

/// <summary>Issue 12 defects 4, 5 and 8: 7-bit quoted strings, domain-less addresses, addresses with comments.</summary>
[Collection("imap-conformance")]
public sealed class EnvelopeConformanceTests(ConformanceFixture fixture)
{
    private async Task<string> FetchAsync(string user, string message, string items, bool rev2 = false)
    {
        await fixture.PutAsync(user, "INBOX", message);
        await using var c = await fixture.OpenAsync(user);
        if (rev2)
        {
            await c.CommandAsync("e", "ENABLE IMAP4rev2");
        }
        await c.CommandAsync("s", "SELECT INBOX");
        var lines = await c.CommandAsync("f", $"FETCH 1 ({items})");
        Assert.StartsWith("f OK", lines[^1]);
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task Fetch_EightBitHeaderForRev1Client_SentAsLiteral()
    {
        var text = await FetchAsync(fixture.NewAccount(), "Subject: Café\r\nFrom: José <jose@example.org>\r\n\r\nx\r\n", "ENVELOPE");
        Assert.Contains("ENVELOPE (NIL {5}\nCafé ((", text);
        Assert.Contains("(({5}\nJosé NIL \"jose\" \"example.org\"))", text);
    }

    [Fact]
    public async Task Fetch_Rfc2231Parameter_KeptAsSentForRev1DecodedForRev2()
    {
        const string message = "Subject: Café\r\nContent-Type: text/plain; charset=utf-8; name*=utf-8''caf%C3%A9.txt\r\n\r\nx\r\n";
        var rev1 = await FetchAsync(fixture.NewAccount(), message, "BODYSTRUCTURE");
        Assert.Contains("(\"CHARSET\" \"utf-8\" \"NAME*\" \"utf-8''caf%C3%A9.txt\")", rev1);
        // An IMAP4rev2 client accepts UTF-8 in quoted strings: decoded parameter, quoted subject.
        var rev2 = await FetchAsync(fixture.NewAccount(), message, "ENVELOPE BODYSTRUCTURE", rev2: true);
        Assert.Contains("(\"CHARSET\" \"utf-8\" \"NAME\" \"café.txt\")", rev2);
        Assert.Contains("ENVELOPE (NIL \"Café\"", rev2);
    }

    [Fact]
    public async Task Fetch_AddressWithoutDomain_UsesPlaceholders()
    {
        var text = await FetchAsync(fixture.NewAccount(), "Subject: d\r\nFrom: <@example.org>\r\nTo: bob, carol@example.com\r\n\r\nx\r\n", "ENVELOPE");
        Assert.Contains("((NIL NIL \"bob\" \"MISSING_DOMAIN\")(NIL NIL \"carol\" \"example.com\"))", text);
        Assert.Contains("((NIL NIL \"MISSING_MAILBOX\" \"example.org\"))", text);
    }

    [Fact]
    public async Task Search_FromWithCommentsInAddress_Matches()
    {
        var user = fixture.NewAccount();
        await fixture.PutAsync(user, "INBOX", "Subject: c\r\nFrom: Some One <user (c)@ (c) domain.org>\r\nTo: x (comment) @ (c) y.example\r\n\r\nx\r\n");
        await fixture.PutAsync(user, "INBOX", "Subject: other\r\nFrom: other@domain.org\r\n\r\nx\r\n");
        await using var c = await fixture.OpenAsync(user);
        await c.CommandAsync("s", "SELECT INBOX");
        Assert.Equal("* SEARCH 1", (await c.CommandAsync("a", "SEARCH FROM \"user@domain.org\""))[0]);
        Assert.Equal("* SEARCH 1", (await c.CommandAsync("b", "SEARCH TO \"x@y.example\""))[0]);
        var envelope = string.Join("\n", await c.CommandAsync("e", "FETCH 1 ENVELOPE"));
        Assert.Contains("((\"Some One\" NIL \"user\" \"domain.org\"))", envelope);
    }
}
