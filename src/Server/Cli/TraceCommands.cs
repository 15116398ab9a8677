using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost trace QUEUEID|MESSAGE-ID`: a message's whole path, the same as the console's /trace page.</summary>
internal static class TraceCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        var id = c.Arg(1, "queue id or Message-ID");
        await using var db = await c.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>().CreateDbContextAsync();
        var steps = await MessageTrace.FindAsync(db, id);
        if (steps.Count == 0)
        {
            c.Output.WriteLine($"no log rows for {id} (retention may have removed them)");
            return 1;
        }
        TablePrinter.Print(c.Output, ["TIME (UTC)", "STAGE", "RESULT", "QUEUE ID", "MESSAGE-ID", "FROM", "TO", "REMOTE", "TLS", "AUTH", "POLICY", "REPLY / REASON"],
            steps.Select(s => new[]
            {
                s.Row.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), s.Stage, s.Row.Result, s.Row.QueueId, s.Row.MessageId,
                s.Row.Sender.Length == 0 ? "<>" : s.Row.Sender, s.Row.Recipient, s.Row.RemoteHost,
                s.Row.TlsVersion.Length == 0 ? "none" : $"{s.Row.TlsVersion} {s.Row.Cipher}".Trim(), s.Row.AuthUser,
                string.Join("; ", new[] { s.Row.TlsPolicy, s.Row.Detail }.Where(x => x.Length > 0)), s.Row.Reason,
            }));
        return 0;
    }
}
