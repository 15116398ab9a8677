using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost dmarc reports list [--domain D]` (aggregate reports others sent us) and `mailhost dmarc sent list` (ours).</summary>
internal static class DmarcCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        var what = c.Arg(1, "reports|sent");
        var verb = c.Arg(2, "list");
        if (verb != "list" || what is not ("reports" or "sent"))
        {
            throw new CliUsageException("usage: dmarc reports list [--domain D] | dmarc sent list");
        }
        await using var db = await c.Services.GetRequiredService<IDbContextFactory<LogsDbContext>>().CreateDbContextAsync();
        if (what == "reports")
        {
            var rows = await DmarcReportQueries.ReceivedAsync(db, c.Flag("domain"), 1000, CancellationToken.None);
            TablePrinter.Print(c.Output, ["DOMAIN", "REPORTER", "SOURCE IP", "REPORTS", "PASS", "FAIL", "LAST PERIOD END (UTC)"],
                rows.Select(r => new[]
                {
                    r.PolicyDomain, r.OrgName, r.SourceIp, Num(r.Reports), Num(r.Pass), Num(r.Fail), r.LastEndUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                }));
            return 0;
        }
        var sent = await DmarcReportQueries.SentAsync(db, 200, CancellationToken.None);
        TablePrinter.Print(c.Output, ["TIME (UTC)", "DOMAIN", "TO", "REPORT ID", "ROWS", "MESSAGES", "RESULT"],
            sent.Select(e => new[]
            {
                e.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.PolicyDomain, e.Recipient, e.ReportId, Num(e.Records), Num(e.Messages), e.Result,
            }));
        return 0;
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
