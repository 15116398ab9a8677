using MailHost.Server.Dns;

namespace MailHost.Server.MailAuth;

/// <summary>
/// The DNS side of the MTA-STS policy we publish (RFC 8461 §3): the `_mta-sts` TXT record with the policy's id,
/// and the policy host `mta-sts.&lt;domain&gt;`, which must reach this server (the console's web server on 443).
/// </summary>
public static class MtaStsRecords
{
    public static async Task<IReadOnlyList<PublishedRecord>> CheckAsync(IDnsResolver dns, string domain, string hostname, PublishedMtaStsPolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dns);
        var name = "_mta-sts." + domain;
        if (policy is null)
        {
            // Mode none: nothing to publish; a live record left over would point senders at a 404 (RFC 8461 §3.3: a failed fetch keeps their cache).
            var leftover = await TxtAsync(dns, name, "(none: MTA-STS mode is none)", _ => (false, "a live record announces a policy that is not served (mode none): remove it, or set a mode"), cancellationToken);
            return [leftover.Check == "missing" ? leftover with { Ok = true, Check = "not published (MTA-STS mode is none: mailhost domain set " + domain + " --mta-sts testing)" } : leftover];
        }
        var txt = await TxtAsync(dns, name, policy.TxtRecord, live => LiveId(live) == policy.Id
            ? (true, $"id matches the policy served ({policy.Mode.ToString().ToLowerInvariant()}, max_age {policy.MaxAgeSeconds})")
            : (false, $"id differs from the policy served ({policy.Id}): senders keep their cached policy until it changes"), cancellationToken);
        return [txt, await PolicyHostAsync(dns, policy.PolicyHost, hostname, cancellationToken)];
    }

    private static Task<PublishedRecord> TxtAsync(IDnsResolver dns, string name, string suggested, Func<string, (bool, string)> check, CancellationToken cancellationToken) =>
        PublishedRecords.TxtAsync(dns, "MTA-STS", name, suggested, t => t.StartsWith("v=STSv1", StringComparison.Ordinal), check, cancellationToken);

    /// <summary>RFC 8461 §3.1: "id" is one of the semicolon-separated key=value fields.</summary>
    private static string? LiveId(string record) => record.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(f => f.Split('=', 2)).Where(kv => kv.Length == 2 && kv[0].Trim() == "id").Select(kv => kv[1].Trim()).FirstOrDefault();

    /// <summary>The policy host must resolve to this server: some address in common with the host name.</summary>
    private static async Task<PublishedRecord> PolicyHostAsync(IDnsResolver dns, string policyHost, string hostname, CancellationToken cancellationToken)
    {
        var value = hostname.TrimEnd('.') + ".";
        try
        {
            var theirs = await dns.ResolveAddressesAsync(policyHost, cancellationToken);
            if (theirs.Count == 0)
            {
                return new PublishedRecord("MTA-STS host", policyHost, "CNAME", value, false, "missing: senders cannot fetch the policy");
            }
            var ours = await dns.ResolveAddressesAsync(hostname, cancellationToken);
            var ok = theirs.Intersect(ours).Any();
            return new PublishedRecord("MTA-STS host", policyHost, "CNAME", value, ok, (ok ? "points here" : "points elsewhere") +
                $" ({string.Join(", ", theirs)}); the console must answer HTTPS on 443 there with a certificate for {policyHost}");
        }
        catch (DnsException ex)
        {
            return new PublishedRecord("MTA-STS host", policyHost, "CNAME", value, false, "DNS error: " + ex.Message);
        }
    }
}
