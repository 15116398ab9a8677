using MailHost.Server.Dns;
using MailHost.Server.MailAuth;
using Microsoft.EntityFrameworkCore;

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
        string hostname;
        List<DkimKey> keys;
        await using (var db = await c.DbAsync())
        {
            hostname = (await db.ServerSettings.SingleAsync()).Hostname;
            keys = await db.DkimKeys.Where(k => k.Domain == domain && k.Active).OrderBy(k => k.Selector).ToListAsync();
        }
        var dns = c.Services.GetRequiredService<IDnsResolver>();
        var records = await PublishedRecords.CheckAsync(dns, domain, hostname, keys, CancellationToken.None);
        foreach (var r in records)
        {
            c.Output.WriteLine($"{r.Kind,-8} {(r.Ok ? "OK " : "FIX")}  {r.Name}. {r.Type} {(r.Type == "TXT" ? $"\"{r.Value}\"" : r.Value)}");
            c.Output.WriteLine($"{"",-8}      {r.Check}");
        }
        if (keys.Count == 0)
        {
            c.Output.WriteLine($"DKIM     FIX  no active DKIM key for {domain}: mailhost dkim generate {domain} --active");
        }
        return 0;
    }
}
