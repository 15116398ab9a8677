using System.Text;
using System.Text.Json;
using MailHost.Server.IntegrationTests.Storage;

namespace MailHost.Server.IntegrationTests.Imap.Differential;

/// <summary>
/// The same corpus of real-world and malformed messages (Corpus/*.eml, crafted for this test) APPENDed
/// byte for byte to MailHost and to a private Dovecot 2.3 by Python's imaplib, then BODYSTRUCTURE, BODY,
/// ENVELOPE, RFC822.SIZE, BODY[HEADER], BODY[TEXT], BODY[n], BODY[n.MIME] and BINARY.SIZE[n] compared per
/// message. Dovecot is the reference: a difference fails unless <see cref="DovecotErrors"/> names it as
/// Dovecot's error with the RFC section that says so.
/// </summary>
[Collection("mailstore")]
public sealed class DovecotDifferentialTests(MailServerFixture fixture)
{
    private static readonly string Here = Path.Combine(AppContext.BaseDirectory, "Imap", "Differential");

    private const string WholeBinary = "RFC 3516 §4.2: BINARY[] removes the section's own Content-Transfer-Encoding; the whole message has none, so it goes as stored. Dovecot decodes the nested parts (their headers still saying base64/quoted-printable) or refuses the whole message for one part it cannot decode.";
    private const string DelimiterCrlf = "RFC 2046 §5.1.1: the CRLF before a boundary delimiter belongs to the delimiter, not to the part before it; Dovecot counts the CRLF after a nested multipart's close-delimiter into the enclosing part.";
    private const string Parts = @"^(BODY\.PEEK|BINARY\.SIZE)\[[0-9.]*[0-9]\]$";
    private const string Structure = "^(BODY|BODYSTRUCTURE)$";

    /// <summary>(message file, FETCH items as a pattern, why Dovecot's answer is the wrong one).</summary>
    private static readonly (string File, string Items, string Why)[] DovecotErrors =
    [
        .. new[] { "004", "006", "019", "037", "038", "039", "040", "044", "047", "070", "076" }.Select(f => (f, @"^BINARY\.SIZE\[\]$", WholeBinary)),
        .. new[] { "007", "008", "009", "010", "011", "080" }.Select(f => (f, Parts, DelimiterCrlf)),
        ("080", Structure, DelimiterCrlf),
        ("011", Structure, "Nesting past 100 levels: both servers stop at depth 100; Dovecot shows the last multipart as application/octet-stream of 0 octets, but RFC 9051 §7.5.2 body-fld-octets is the size of the body, which is not empty."),
        ("025", "^ENVELOPE$", "RFC 6532 §3.2: 8-bit header text is UTF-8; Dovecot passes the Latin-1 bytes on as they are (not valid UTF-8), MailHost sends them as the Latin-1 characters they are, in UTF-8."),
        ("037", @"^BINARY\.SIZE\[1\]$", "RFC 2045 §6.8: an \"=\" ends the base64 data; Dovecot refuses the part ([PARSE]) instead of decoding up to it."),
        ("038", @"^BINARY\.SIZE\[1\]$", "RFC 5530 §3: PARSE is for errors in a message's RFC 5322/MIME headers, not for a body that is not base64; RFC 3516 §4.3's UNKNOWN-CTE is BINARY's code for a part it cannot decode."),
        ("042", Structure, "RFC 2045 §5.2: a syntactically invalid Content-Type (\"text\") means text/plain; charset=us-ascii; Dovecot reports the empty subtype \"\"."),
        ("043", Structure, "RFC 2045 §5.2: a syntactically invalid Content-Type (\"text/\") means text/plain; charset=us-ascii; Dovecot reports the empty subtype \"\"."),
        ("054", "^ENVELOPE$", "RFC 5322 §2.2.3: unfolding removes the CRLF only, the white space after it stays; Dovecot collapses it to one space."),
        ("064", Structure, "RFC 9051 §9 (media-message): message/global is sent like message/rfc822, with envelope, body and lines; Dovecot 2.3 treats it as an opaque part."),
        ("069", Structure + "|" + Parts, "RFC 2046 §5.1.1: a close-delimiter is followed only by transport padding and CRLF; \"--b--garbage\" is not one, so the part goes on; Dovecot ends the multipart there."),
        ("070", @"^BODY\.PEEK\[1\.1\.MIME\]$", "RFC 9051 §6.4.5: [1.1.MIME] is the MIME header of part 1.1, which an encoded message/rfc822 does not have; Dovecot returns the part's base64 body."),
        ("070", @"^BINARY\.SIZE\[1\]$", "RFC 3516 §4.2: BINARY.SIZE[1] is the decoded size of the base64 message/rfc822 part (46); Dovecot says 0."),
    ];

    private static string? DovecotError(string file, string item) =>
        DovecotErrors.FirstOrDefault(e => file.StartsWith(e.File + "-", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(item, e.Items)).Why;

    [Fact]
    public async Task Corpus_FetchItems_MatchDovecot()
    {
        var corpus = Path.Combine(Here, "Corpus");
        Assert.True(Directory.GetFiles(corpus, "*.eml").Length >= 60, "the corpus must hold at least 60 messages");
        var mailbox = "Diff-" + Guid.NewGuid().ToString("N")[..8];
        await using var dovecot = await DovecotPeer.StartAsync();
        var pathsFile = Path.Combine(Path.GetTempPath(), $"mailhost-diff-{Guid.NewGuid():N}.json");
        try
        {
            JsonElement reference;
            try
            {
                reference = await RunAsync(dovecot.Port, tls: false, DovecotPeer.User, DovecotPeer.Password, mailbox, corpus, null);
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                throw new InvalidOperationException("the Dovecot run failed; its log:\n" + dovecot.Log, ex);
            }
            await File.WriteAllTextAsync(pathsFile, reference.GetProperty("paths").GetRawText());
            var ours = await RunAsync(fixture.Port("imaps"), tls: true, "carol@example.com", MailServerFixture.Password, mailbox, corpus, pathsFile);
            var report = new StringBuilder();
            var compared = 0;
            foreach (var message in reference.GetProperty("messages").EnumerateObject())
            {
                var mine = ours.GetProperty("messages").GetProperty(message.Name);
                foreach (var item in message.Value.EnumerateObject())
                {
                    compared++;
                    var expected = item.Value.ToString();
                    var actual = mine.TryGetProperty(item.Name, out var v) ? v.ToString() : "(missing)";
                    if (expected != actual && DovecotError(message.Name, item.Name) is null)
                    {
                        report.Append(CultureInfo.InvariantCulture, $"{message.Name} {item.Name}\n  dovecot:  {Trim(expected)}\n  mailhost: {Trim(actual)}\n");
                    }
                }
                // RFC 9051 §2.3.4: RFC822.SIZE is the size of what FETCH BODY[] returns.
                if (mine.GetProperty("RFC822.SIZE").ToString() != mine.GetProperty("len(BODY[])").ToString())
                {
                    report.Append(CultureInfo.InvariantCulture, $"{message.Name}: RFC822.SIZE {mine.GetProperty("RFC822.SIZE")} but BODY[] has {mine.GetProperty("len(BODY[])")} bytes\n");
                }
            }
            Assert.True(compared > 60 * 8, $"only {compared} items compared");
            Assert.True(report.Length == 0, "MailHost differs from Dovecot:\n" + report);
        }
        finally
        {
            File.Delete(pathsFile);
        }
    }

    private static string Trim(string s) => s.Length > 600 ? s[..600] + "…" : s;

    private static async Task<JsonElement> RunAsync(int port, bool tls, string user, string password, string mailbox, string corpus, string? paths)
    {
        var script = await File.ReadAllTextAsync(Path.Combine(Here, "imap_diff.py"));
        var args = new List<string> { "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), tls ? "1" : "0", user, password, mailbox, corpus };
        if (paths is not null)
        {
            args.Add(paths);
        }
        var output = await PythonClient.RunAsync(script, TimeSpan.FromMinutes(3), [.. args]);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
