using MailHost.Server.Dns;
using MailHost.Server.MailAuth;

namespace MailHost.Server.Cli;

/// <summary>`mailhost dns show DOMAIN`: the records to publish, each checked against the live DNS.</summary>
internal static class DnsCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        if (c.Arg(1, "verb (show)") != "show")
        {
            throw new CliUsageException("dns verbs: show");
        }
        var domain = c.Arg(2, "domain").TrimEnd('.').ToLowerInvariant();
        DomainDnsReport report;
        await using (var db = await c.DbAsync())
        {
            report = await DomainDnsReport.BuildAsync(c.Services.GetRequiredService<IDnsResolver>(), db, c.Options.FullDataDir, domain, CancellationToken.None);
        }
        var records = report.Records;
        foreach (var r in records)
        {
            c.Output.WriteLine($"{r.Kind,-12} {(r.Ok ? "OK " : "FIX")}  {r.Name}. {r.Type} {(r.Type == "TXT" ? $"\"{r.Value}\"" : r.Value)}");
            c.Output.WriteLine($"{"",-12}      {r.Check}");
        }
        if (!report.HasDkimKey)
        {
            c.Output.WriteLine($"DKIM     FIX  no active DKIM key for {domain}: mailhost dkim generate {domain} --active");
        }
        return 0;
    }
}
