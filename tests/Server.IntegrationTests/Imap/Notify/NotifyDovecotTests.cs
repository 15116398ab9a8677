using System.Text.RegularExpressions;
using MailHost.Server.IntegrationTests.Imap.Conformance;
using MailHost.Server.IntegrationTests.Imap.Differential;
using MailHost.Server.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace MailHost.Server.IntegrationTests.Imap.Notify;

/// <summary>
/// <see cref="NotifyScript"/> against MailHost and against a private Dovecot 2.3 (which has NOTIFY): the
/// untagged responses session A receives must be the same, in the same order, once the differences named
/// in <see cref="Differences"/> (each with the RFC section that allows both answers) are masked. The events
/// are compared as one stream, not step by step: Dovecot sends each a moment later than MailHost.
/// </summary>
[Collection("imap-conformance")]
public sealed class NotifyDovecotTests(ConformanceFixture fixture, ITestOutputHelper output)
{
    /// <summary>(pattern, replacement, why both servers are right).</summary>
    private static readonly (string Pattern, string Replacement, string Why)[] Differences =
    [
        (@"(UIDVALIDITY|HIGHESTMODSEQ) \d+", "$1 N", "values of the server's own choosing"),
        (@"(UID \d+ )?MODSEQ \(\d+\) |MODSEQ \d+ |UID \d+ (?=FLAGS)", "", "RFC 5465 §5.1: a flag change's FETCH MUST carry UID and FLAGS; Dovecot 2.3 leaves UID out and adds MODSEQ though CONDSTORE is not enabled (RFC 7162 §3.1.4.1): Dovecot's error"),
        (@" HIGHESTMODSEQ N", "", "RFC 5465 §5.2/§5.3: HIGHESTMODSEQ is required once CONDSTORE/QRESYNC is enabled; Dovecot sends it always, MailHost only then"),
        (@"^\* LIST \(([^)]*)\) ""[./]"" ", "* LIST ($1) SEP ", "the hierarchy delimiter is the server's (RFC 9051 §6.3.9): Dovecot's Maildir uses \".\", MailHost \"/\""),
        (@" ?\\Has(No)?Children", "", "RFC 5465 §5.4: \\HasChildren/\\HasNoChildren SHOULD be in the LIST; MailHost sends them, Dovecot 2.3 does not"),
        (@"\(\s+", "(", "left after removing an attribute"),
        (@"HEADER\.FIELDS \([^)]*\)", "HEADER.FIELDS (F)", "RFC 9051 §6.4.5: header field names are case-insensitive; MailHost echoes the client's spelling, Dovecot upper-cases"),
        (@" ?\\Recent", "", "RFC 5465 §5.2: a server MAY mark new messages \\Recent (IMAP4rev1); MailHost does for the session that sees them first"),
    ];

    /// <summary>Lines left out: RECENT (see above) and STATUS for the special-use folders MailHost provisions and Dovecot's empty Maildir lacks.</summary>
    private static bool Skipped(string line) =>
        Regex.IsMatch(line, @"^\* \d+ RECENT$") || Regex.IsMatch(line, @"^\* STATUS (Archive|Drafts|Junk|Sent|Trash) ");

    private static List<string> Normal(IEnumerable<string> lines) =>
        [.. lines.Where(l => !Skipped(l) && !Regex.IsMatch(l, @"^[a-zA-Z]+ (OK|NO|BAD) "))
            .Select(l => Differences.Aggregate(l, (text, d) => Regex.Replace(text, d.Pattern, d.Replacement)))];

    /// <summary>
    /// The three independent streams (STATUS for other mailboxes, LIST, and the selected mailbox's EXISTS/FETCH/EXPUNGE),
    /// each in order: Dovecot sends every event a moment later, so lines of different streams interleave differently.
    /// Two more named differences: Dovecot repeats a STATUS that reports no change, and, seeing changes a second or
    /// more late, it reports a message's flags as they are by then, so one FETCH stands for several STOREs (RFC 5465
    /// §5.1 asks that the client learn the flags, not for one FETCH per STORE): a run of FLAGS FETCHes counts by its last.
    /// </summary>
    private static (List<string> Status, List<string> List, List<string> Selected) Streams(List<string> lines)
    {
        var status = new List<string>();
        var list = new List<string>();
        var selected = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("* STATUS ", StringComparison.Ordinal))
            {
                if (status.Count == 0 || status[^1] != line)
                {
                    status.Add(line);
                }
            }
            else if (line.StartsWith("* LIST ", StringComparison.Ordinal))
            {
                list.Add(line);
            }
            else if (Regex.IsMatch(line, @"^\* \d+ FETCH \(FLAGS \([^)]*\)\)$") && selected.Count > 0 && Regex.IsMatch(selected[^1], @"^\* \d+ FETCH \(FLAGS "))
            {
                selected[^1] = line;
            }
            else
            {
                selected.Add(line);
            }
        }
        return (status, list, selected);
    }

    [Fact]
    public async Task NotifyScript_SameUntaggedResponsesAsDovecot()
    {
        await using var dovecot = await DovecotPeer.StartAsync();
        var reference = await NotifyScript.RunAsync(async () =>
        {
            var c = await LineClient.ConnectAsync(dovecot.Port);
            await c.ReadLineAsync();
            Assert.StartsWith("L OK", (await c.CommandAsync("L", $"LOGIN {DovecotPeer.User} {DovecotPeer.Password}"))[^1]);
            return c;
        });
        var user = fixture.NewAccount();
        var ours = await NotifyScript.RunAsync(() => fixture.OpenAsync(user));
        var expected = Normal(reference.SelectMany(s => s.Lines));
        var actual = Normal(ours.SelectMany(s => s.Lines));
        // Both transcripts as received, step by step, so a failure shows which step differed and how.
        foreach (var (server, steps) in new[] { ("dovecot", reference), ("mailhost", ours) })
        {
            output.WriteLine(server + ":");
            foreach (var (step, lines) in steps)
            {
                output.WriteLine($"  [{step}]\n    " + string.Join("\n    ", lines));
            }
        }
        var (expectedStatus, expectedList, expectedSelected) = Streams(expected);
        var (actualStatus, actualList, actualSelected) = Streams(actual);
        Assert.Equal(expectedStatus, actualStatus);
        Assert.Equal(expectedList, actualList);
        Assert.Equal(expectedSelected, actualSelected);
        // The comparison must have had something to compare in each stream.
        Assert.NotEmpty(expectedStatus);
        Assert.NotEmpty(expectedList);
        Assert.NotEmpty(expectedSelected);
    }
}
