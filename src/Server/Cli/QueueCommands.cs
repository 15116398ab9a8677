using System.Text.Json;
using MailHost.Admin.Web.Backend;
using MailHost.Server.AdminConsole;
using MailHost.Server.Queue;

namespace MailHost.Server.Cli;

/// <summary>
/// `mailhost queue list|flush|retry-all|delete-deferred [--state S] [--domain D] [--older-than MIN]` and
/// `queue retry|hold|release|delete ID`: edits the spool files directly; the running
/// server notices the rewritten envelope (folder watch) and acts on it. It does not construct a
/// <see cref="MessageSpool"/>, whose start-up cleanup of *.tmp files would race a running server's enqueue.
/// </summary>
internal static class QueueCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        var spool = new SpoolFiles(Path.Combine(c.Options.FullDataDir, "queue"));
        var verb = c.Arg(1, "verb (list|flush|retry-all|delete-deferred|retry|hold|release|delete)");
        switch (verb)
        {
            case "list":
                {
                    var messages = await MatchingAsync(spool, Filter(c));
                    TablePrinter.Print(c.Output, ["ID", "QUEUED", "SIZE", "SENDER", "RECIPIENT", "STATE", "ATTEMPTS", "NEXT", "LAST RESULT"], messages.SelectMany(m => m.Recipients.Select(r => new[]
                    {
                        m.Id, m.CreatedUtc.ToString("u", CultureInfo.InvariantCulture), SizeText.Megabytes(m.Size),
                        m.Sender.Length == 0 ? "<>" : m.Sender, r.Address, m.Held ? "held" : r.State.ToString().ToLowerInvariant(),
                        r.Attempts.ToString(CultureInfo.InvariantCulture), r.State == RecipientState.Pending ? r.NextAttemptUtc.ToString("u", CultureInfo.InvariantCulture) : "",
                        r.LastResult,
                    })));
                    return 0;
                }
            case "flush":
            case "retry-all":
                {
                    // flush leaves held messages alone; retry-all releases them too.
                    var filter = Filter(c);
                    var done = new List<string>();
                    foreach (var m in await MatchingAsync(spool, filter))
                    {
                        if ((verb == "retry-all" || !m.Held) && await EditAsync(spool, m.Id, x =>
                        {
                            RetryNow(x);
                            x.Held = verb == "flush" && x.Held;
                        }))
                        {
                            done.Add(m.Id);
                        }
                    }
                    await AuditAsync(c, verb == "flush" ? "queue flush" : "queue retry all", done, filter.ToString());
                    c.Output.WriteLine($"{done.Count} message(s) due for delivery now");
                    return 0;
                }
            case "delete-deferred":
                {
                    var filter = Filter(c);
                    var deferred = (await MatchingAsync(spool, filter)).Where(m => QueueFilter.StateOf(m.Held, Attempts(m)) == "deferred").Select(m => m.Id).ToList();
                    foreach (var id in deferred)
                    {
                        spool.Remove(id);
                    }
                    await AuditAsync(c, "queue delete deferred", deferred, filter.ToString());
                    c.Output.WriteLine($"{deferred.Count} deferred message(s) deleted");
                    return 0;
                }
            case "retry":
            case "hold":
            case "release":
                {
                    var id = c.Arg(2, "message id");
                    Action<QueuedMessage> edit = verb switch
                    {
                        "retry" => RetryNow,
                        "hold" => m => m.Held = true,
                        _ => m => m.Held = false,
                    };
                    if (!await EditAsync(spool, id, edit))
                    {
                        c.Error.WriteLine($"no queued message {id}");
                        return 1;
                    }
                    await AuditAsync(c, "queue " + verb, [id], "");
                    c.Output.WriteLine($"{id}: {verb} done");
                    return 0;
                }
            case "delete":
                {
                    var id = c.Arg(2, "message id");
                    if (await spool.ReadAsync(id, CancellationToken.None) is null)
                    {
                        c.Error.WriteLine($"no queued message {id}");
                        return 1;
                    }
                    spool.Remove(id);
                    await AuditAsync(c, "queue delete", [id], "");
                    c.Output.WriteLine($"{id}: deleted");
                    return 0;
                }
            default:
                throw new CliUsageException("queue verbs: list, flush, retry-all, delete-deferred [--state queued|deferred|held] [--domain D] [--older-than MINUTES]; retry ID, hold ID, release ID, delete ID");
        }
    }

    private static QueueFilter Filter(CliContext c)
    {
        var state = c.Flag("state") ?? "";
        if (state.Length > 0 && !QueueFilter.States.Contains(state, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliUsageException("--state is one of: " + string.Join(", ", QueueFilter.States));
        }
        return new QueueFilter(state.ToLowerInvariant(), c.Flag("domain") ?? "", c.IntFlag("older-than") ?? 0);
    }

    private static int Attempts(QueuedMessage m) => m.Recipients.Count == 0 ? 0 : m.Recipients.Max(r => r.Attempts);

    private static async Task<List<QueuedMessage>> MatchingAsync(SpoolFiles spool, QueueFilter filter)
    {
        var now = DateTime.UtcNow;
        return [.. (await spool.ListAsync(CancellationToken.None)).Where(m => filter.Matches(m.Held, Attempts(m), m.CreatedUtc, m.Recipients.Select(r => r.Address), now))];
    }

    // The same audit rows the console writes, so `mailhost queue delete` is as visible as the page's Delete.
    private static async Task AuditAsync(CliContext c, string action, IReadOnlyCollection<string> ids, string detail)
    {
        await using var db = await c.DbAsync();
        await QueueAudit.WriteAsync(db, "cli", action, ids, detail, CancellationToken.None);
    }

    private static void RetryNow(QueuedMessage m)
    {
        foreach (var r in m.Recipients.Where(r => r.State == RecipientState.Pending))
        {
            r.NextAttemptUtc = DateTime.UtcNow;
        }
    }

    private static async Task<bool> EditAsync(SpoolFiles spool, string id, Action<QueuedMessage> edit)
    {
        using (await SpoolLocks.AcquireAsync(id, CancellationToken.None))
        {
            var message = await spool.ReadAsync(id, CancellationToken.None);
            if (message is null)
            {
                return false;
            }
            edit(message);
            await spool.WriteEnvelopeAsync(message, CancellationToken.None);
            return true;
        }
    }

    /// <summary>The spool's envelope format (MessageSpool's JSON, temp file + rename + directory fsync), for another process.</summary>
    private sealed class SpoolFiles(string dir)
    {
        private string EnvelopePath(string id) => Path.Combine(dir, id + ".json");

        public IEnumerable<string> ListIds() =>
            Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal) : [];

        public async Task<QueuedMessage?> ReadAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                await using var stream = File.OpenRead(EnvelopePath(id));
                return await JsonSerializer.DeserializeAsync<QueuedMessage>(stream, cancellationToken: cancellationToken);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }

        public async Task<List<QueuedMessage>> ListAsync(CancellationToken cancellationToken)
        {
            var list = new List<QueuedMessage>();
            foreach (var id in ListIds())
            {
                if (await ReadAsync(id, cancellationToken) is { } m)
                {
                    list.Add(m);
                }
            }
            return list;
        }

        public async Task WriteEnvelopeAsync(QueuedMessage message, CancellationToken cancellationToken)
        {
            var temp = EnvelopePath(message.Id) + ".cli.tmp";
            await using (var stream = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await JsonSerializer.SerializeAsync(stream, message, cancellationToken: cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, EnvelopePath(message.Id), overwrite: true);
            DirectorySync.Fsync(dir);
        }

        public void Remove(string id)
        {
            File.Delete(EnvelopePath(id));
            File.Delete(Path.Combine(dir, id + ".eml"));
            DirectorySync.Fsync(dir);
        }
    }
}
