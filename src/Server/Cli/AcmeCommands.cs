using MailHost.Server.Acme;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost cert acme add|list|renew`: the running server does the ordering, these edit what it orders.</summary>
internal static class AcmeCommands
{
    public const string LetsEncrypt = "https://acme-v02.api.letsencrypt.org/directory";
    public const string LetsEncryptStaging = "https://acme-staging-v02.api.letsencrypt.org/directory";

    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(2, "verb (add|list|renew)"))
        {
            case "add":
                return await AddAsync(c);
            case "list":
                return await ListAsync(c);
            case "renew":
                {
                    var name = c.Arg(3, "certificate name");
                    await using var db = await c.DbAsync();
                    var definition = await db.AcmeCertificates.SingleOrDefaultAsync(x => x.Name == name)
                        ?? throw new CliUsageException($"no ACME certificate named {name}");
                    definition.NextAttemptUtc = DateTime.UtcNow;
                    definition.Failures = 0;
                    await db.SaveChangesAsync();
                    c.Output.WriteLine($"renewal of {name} requested: the running server orders it at its next check (MailHost:AcmeCheckSeconds, default 60 s); see `mailhost cert acme list`");
                    return 0;
                }
            default:
                throw new CliUsageException("cert acme verbs: add, list, renew");
        }
    }

    /// <summary>The directory URL for a preset name or a URL.</summary>
    public static string Directory(string value) => value switch
    {
        "letsencrypt" => LetsEncrypt,
        "letsencrypt-staging" => LetsEncryptStaging,
        _ when Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme == "https" => value,
        _ => throw new CliUsageException($"--directory must be an https:// URL, letsencrypt or letsencrypt-staging, not '{value}'"),
    };

    private static async Task<int> AddAsync(CliContext c)
    {
        var name = c.Arg(3, "certificate name");
        var domains = c.FlagValues("domain").SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(d => d.TrimEnd('.').ToLowerInvariant()).Distinct().ToList();
        if (domains.Count == 0)
        {
            throw new CliUsageException("at least one --domain is needed");
        }
        if (domains.FirstOrDefault(d => Uri.CheckHostName(d) != UriHostNameType.Dns || d.StartsWith('*')) is { } bad)
        {
            throw new CliUsageException($"'{bad}' is not a DNS name this server can validate (wildcards need dns-01, which MailHost does not do)");
        }
        var directory = Directory(c.Flag("directory") ?? throw new CliUsageException("--directory URL (or letsencrypt, letsencrypt-staging) is needed"));
        var email = c.Flag("email") ?? throw new CliUsageException("--email is needed (the CA's contact for expiry and policy notices)");
        var challenge = c.Flag("challenge") ?? AcmeChallengeTypes.Http01;
        if (!AcmeChallengeTypes.IsKnown(challenge))
        {
            throw new CliUsageException("--challenge is http-01 or tls-alpn-01 (dns-01 needs a DNS provider API: not supported)");
        }
        var keyType = c.Flag("key") ?? "ecdsa";
        if (keyType is not ("ecdsa" or "rsa" or "both"))
        {
            throw new CliUsageException("--key is ecdsa, rsa or both");
        }
        await using var db = await c.DbAsync();
        if (await db.AcmeCertificates.AnyAsync(x => x.Name == name))
        {
            throw new CliUsageException($"an ACME certificate named {name} exists");
        }
        var account = await db.AcmeAccounts.SingleOrDefaultAsync(a => a.DirectoryUrl == directory && a.ContactEmail == email);
        if (account is null)
        {
            account = new AcmeAccount { DirectoryUrl = directory, ContactEmail = email, CreatedUtc = DateTime.UtcNow };
            db.AcmeAccounts.Add(account);
        }
        if (c.Has("agree-tos"))
        {
            account.TermsAccepted = true;
        }
        db.AcmeCertificates.Add(new AcmeCertificate
        {
            Name = name,
            Domains = string.Join(",", domains),
            Account = account,
            Challenge = challenge,
            KeyType = keyType,
            MakeDefault = c.Has("default"),
            State = AcmeCertificateState.Pending,
            NextAttemptUtc = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        c.Output.WriteLine($"ACME certificate {name} for {string.Join(", ", domains)} added ({challenge}, {keyType} key); the running server orders it now");
        if (!account.TermsAccepted)
        {
            c.Output.WriteLine("note: the CA's terms of service are not accepted (--agree-tos); Let's Encrypt refuses such an account");
        }
        return 0;
    }

    private static async Task<int> ListAsync(CliContext c)
    {
        await using var db = await c.DbAsync();
        var rows = await db.AcmeCertificates.Include(x => x.Account).OrderBy(x => x.Name).ToListAsync();
        TablePrinter.Print(c.Output, ["NAME", "DOMAINS", "CHALLENGE", "KEY", "STATE", "DIRECTORY"], rows.Select(x => new[]
        {
            x.Name, x.Domains, x.Challenge, x.KeyType, Describe(x), x.Account?.DirectoryUrl ?? "",
        }));
        return 0;
    }

    /// <summary>"pending", "valid until …", or "error: the CA's words" (with the current certificate's end when there is one).</summary>
    public static string Describe(AcmeCertificate x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var until = x.NotAfterUtc is { } end ? "valid until " + end.ToString("u", CultureInfo.InvariantCulture) : null;
        return x.State switch
        {
            AcmeCertificateState.Valid => until ?? "valid",
            AcmeCertificateState.Error => $"error: {x.LastError}" + (until is null ? "" : $" (current certificate {until})"),
            _ => "pending",
        };
    }
}
