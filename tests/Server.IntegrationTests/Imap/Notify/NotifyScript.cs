using System.Text;
using MailHost.Server.IntegrationTests.Infrastructure;

namespace MailHost.Server.IntegrationTests.Imap.Notify;

/// <summary>
/// The two-session NOTIFY script (RFC 5465) run against MailHost and against Dovecot: session B changes
/// things, session A sends no command and records what arrives. Returns A's lines per step.
/// </summary>
public static class NotifyScript
{
    public const string Set = "NOTIFY SET STATUS (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (Subject)]) MessageExpunge FlagChange)) "
        + "(personal (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange))";

    /// <summary>How long a session must stay quiet before a step counts as complete (events arrive well within it).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1500);

    /// <summary>How long the script waits, after the last change, for late events.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<List<(string Step, List<string> Lines)>> RunAsync(Func<Task<LineClient>> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var steps = new List<(string, List<string>)>();
        await using var ca = await open();
        await using var b = await open();
        var a = new Listener(ca);
        Assert.StartsWith("c OK", (await b.CommandAsync("c", "CREATE Lists"))[^1]);
        steps.Add(("notify set", await a.CommandAsync("n", Set)));
        await a.CommandAsync("s", "SELECT INBOX");

        async Task Step(string name, string command)
        {
            var reply = await b.CommandAsync("b", command);
            Assert.StartsWith("b OK", reply[^1]);
            steps.Add((name, await a.QuietAsync(Quiet)));
        }

        await Step("append inbox", Append("INBOX", "Subject: first\r\n\r\nbody of first\r\n"));
        await Step("append lists", Append("Lists", "Subject: second\r\n\r\nbody of second\r\n"));
        await b.CommandAsync("bs", "SELECT INBOX");
        await Step("flag inbox", "UID STORE 1 +FLAGS.SILENT (\\Flagged)");
        await Step("create", "CREATE New");
        await Step("rename", "RENAME New Newer");
        await Step("subscribe", "SUBSCRIBE Newer");
        await Step("unsubscribe", "UNSUBSCRIBE Newer");
        await Step("delete", "DELETE Newer");
        await Step("flag deleted", "UID STORE 1 +FLAGS.SILENT (\\Deleted)");
        await Step("expunge inbox", "EXPUNGE");
        // A server that sends events late (Dovecot: a second or more after the change) must have sent them all
        // before NOTIFY NONE would discard them; one that sends on time has nothing more to say here.
        steps.Add(("settle", await a.QuietAsync(Settle)));
        steps.Add(("own create", await a.CommandAsync("o", "CREATE Mine")));
        steps.Add(("notify none", await a.CommandAsync("x", "NOTIFY NONE")));
        await Step("append after none", Append("Lists", "Subject: third\r\n\r\nbody of third\r\n"));
        return steps;
    }

    /// <summary>APPEND with a non-synchronizing literal (RFC 7888), so one line carries the whole command.</summary>
    public static string Append(string mailbox, string message) => $"APPEND {mailbox} {{{Encoding.UTF8.GetByteCount(message)}+}}\r\n{message}";

    /// <summary>A session that keeps one read pending, so it can wait for "nothing more" without losing a line.</summary>
    public sealed class Listener(LineClient client)
    {
        private Task<string?>? _pending;

        public LineClient Client => client;

        public async Task<string> NextAsync()
        {
            var task = _pending ?? client.ReadLineAsync();
            _pending = null;
            return await task ?? throw new IOException("closed");
        }

        /// <summary>The lines that arrive until none has come for <paramref name="quiet"/>.</summary>
        public async Task<List<string>> QuietAsync(TimeSpan quiet)
        {
            var lines = new List<string>();
            while (true)
            {
                _pending ??= client.ReadLineAsync();
                if (await Task.WhenAny(_pending, Task.Delay(quiet)) != _pending)
                {
                    return lines;
                }
                lines.Add(await NextAsync());
            }
        }

        /// <summary>Lines until one that <paramref name="match"/> accepts, which is the last.</summary>
        public async Task<List<string>> UntilAsync(Func<string, bool> match)
        {
            var lines = new List<string>();
            while (true)
            {
                var line = await NextAsync();
                lines.Add(line);
                if (match(line))
                {
                    return lines;
                }
            }
        }

        public async Task<List<string>> CommandAsync(string tag, string command)
        {
            await client.SendLineAsync($"{tag} {command}");
            return await UntilAsync(l => l.StartsWith(tag + " ", StringComparison.Ordinal));
        }
    }
}
