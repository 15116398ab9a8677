using MailHost.Server.Hosting;
using MailHost.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Acme;

/// <summary>
/// Orders and renews the ACME certificates: a new definition at once, a valid one two thirds into
/// its lifetime, a failed one after a doubling back-off (AcmeRetrySeconds, at most a day), and any
/// one whose renewal the admin asked for. One at a time; a failure is stored with the CA's words and
/// never stops the loop. Also warns about every certificate that expires within 21 days.
/// </summary>
public sealed class AcmeRenewer(
    IDbContextFactory<MailHostDbContext> dbFactory,
    AcmeIssuer issuer,
    AcmeInstaller installer,
    IOptions<AcmeOptions> options,
    TimeProvider clock,
    ILogger<AcmeRenewer> logger) : BackgroundService
{
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(21);
    private readonly Dictionary<string, DateTime> _warned = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, options.Value.AcmeCheckSeconds));
        return PeriodicPass.RunAsync(period, clock, passAtStart: true, async ct =>
        {
            await RunOnceAsync(ct);
            await WarnExpiringAsync(ct);
        }, ex => logger.LogError(ex, "ACME renewal pass failed; retrying in {Seconds} s", period.TotalSeconds), stoppingToken);
    }

    /// <summary>Processes every certificate that is due now.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        List<int> due;
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.AcmeCertificates.Where(c => c.NextAttemptUtc <= now).OrderBy(c => c.NextAttemptUtc).Select(c => c.Id).ToListAsync(cancellationToken);
        }
        foreach (var id in due)
        {
            await ProcessAsync(id, cancellationToken);
        }
    }

    private async Task ProcessAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var definition = await db.AcmeCertificates.Include(c => c.Account).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (definition?.Account is not { } account)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        definition.LastAttemptUtc = now;
        try
        {
            using var http = AcmeClient.CreateHttpClient(options.Value.AcmeTrustedCaFile);
            if (string.IsNullOrEmpty(account.PrivateKeyPem))
            {
                account.PrivateKeyPem = AcmeKeys.NewEcdsaPem();
                await db.SaveChangesAsync(cancellationToken);
            }
            using var accountKey = AcmeKeys.Ecdsa(account.PrivateKeyPem);
            using var client = new AcmeClient(http, new Uri(account.DirectoryUrl), accountKey, string.IsNullOrEmpty(account.AccountUrl) ? null : account.AccountUrl);
            if (client.AccountUrl is null)
            {
                var directory = await client.GetDirectoryAsync(cancellationToken);
                account.AccountUrl = await client.CreateAccountAsync(string.IsNullOrEmpty(account.ContactEmail) ? [] : [account.ContactEmail], account.TermsAccepted, cancellationToken);
                account.TermsOfServiceUrl = directory.TermsOfService ?? "";
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("ACME account registered at {Directory}: {Account}", account.DirectoryUrl, account.AccountUrl);
            }
            var domains = definition.Domains.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            DateTime? notBefore = null, notAfter = null;
            foreach (var rsa in KeyKinds(definition.KeyType))
            {
                var pem = rsa ? definition.RsaPrivateKeyPem : definition.PrivateKeyPem;
                if (string.IsNullOrEmpty(pem) || !definition.KeepKey)
                {
                    pem = rsa ? AcmeKeys.NewRsaPem() : AcmeKeys.NewEcdsaPem();
                }
                using var key = AcmeKeys.Load(pem, rsa);
                var issued = await issuer.IssueAsync(client, domains, definition.Challenge, key, cancellationToken);
                using (issued.Certificate)
                {
                    var name = rsa && definition.KeyType == "both" ? definition.Name + "-rsa" : definition.Name;
                    await installer.InstallAsync(name, issued, definition.MakeDefault && !(rsa && definition.KeyType == "both"), cancellationToken);
                    notBefore = issued.Certificate.NotBefore.ToUniversalTime();
                    notAfter = issued.Certificate.NotAfter.ToUniversalTime();
                }
                if (rsa)
                {
                    definition.RsaPrivateKeyPem = pem;
                }
                else
                {
                    definition.PrivateKeyPem = pem;
                }
            }
            definition.State = Shared.Entities.AcmeCertificateState.Valid;
            definition.NotBeforeUtc = notBefore;
            definition.NotAfterUtc = notAfter;
            definition.LastError = "";
            definition.Failures = 0;
            definition.NextAttemptUtc = RenewalTime(notBefore!.Value, notAfter!.Value);
            logger.LogInformation("ACME certificate {Name} issued for {Domains}, valid until {NotAfter:u}; renewal at {Next:u}", definition.Name, definition.Domains, notAfter, definition.NextAttemptUtc);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            definition.State = Shared.Entities.AcmeCertificateState.Error;
            definition.LastError = ex is HttpRequestException ? $"cannot reach the CA: {ex.Message}" : ex.Message;
            definition.Failures++;
            definition.NextAttemptUtc = now + Backoff(definition.Failures);
            logger.LogWarning("ACME certificate {Name} failed (attempt {Failures}), next try at {Next:u}: {Error}", definition.Name, definition.Failures, definition.NextAttemptUtc, definition.LastError);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static bool[] KeyKinds(string keyType) => keyType switch
    {
        "rsa" => [true],
        "both" => [false, true],
        _ => [false],
    };

    /// <summary>Two thirds into the lifetime (Let's Encrypt's 90 days: day 60).</summary>
    public static DateTime RenewalTime(DateTime notBefore, DateTime notAfter) => notBefore + (notAfter - notBefore) * 2 / 3;

    private TimeSpan Backoff(int failures)
    {
        var baseSeconds = Math.Max(1, options.Value.AcmeRetrySeconds);
        var seconds = baseSeconds * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
    }

    /// <summary>Every certificate (ACME or not) that ends within 21 days: one warning per certificate per day.</summary>
    private async Task WarnExpiringAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var limit = now + ExpiryWarning;
        var expiring = await db.Certificates.AsNoTracking().Where(c => c.NotAfterUtc < limit).ToListAsync(cancellationToken);
        foreach (var c in expiring)
        {
            if (_warned.TryGetValue(c.Thumbprint, out var last) && now - last < TimeSpan.FromDays(1))
            {
                continue;
            }
            _warned[c.Thumbprint] = now;
            logger.LogWarning("Certificate {Name} ({Hosts}) expires {NotAfter:u}, in {Days:0.#} days", c.Name, c.HostNames, c.NotAfterUtc, (c.NotAfterUtc - now).TotalDays);
        }
    }
}
