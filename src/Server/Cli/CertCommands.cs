using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Dns;
using MailHost.Server.Tls;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost cert list|import|self-signed|default|acme`.</summary>
internal static class CertCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (list|import|self-signed|default|acme)"))
        {
            case "acme":
                return await AcmeCommands.RunAsync(c);
            case "list":
                await using (var db = await c.DbAsync())
                {
                    var rows = await db.Certificates.OrderBy(x => x.Name).ToListAsync();
                    TablePrinter.Print(c.Output, ["NAME", "KEY", "HOSTS", "EXPIRES", "DEFAULT", "THUMBPRINT"], rows.Select(x => new[]
                    {
                        x.Name, x.KeyAlgorithm, x.HostNames, x.NotAfterUtc.ToString("u", CultureInfo.InvariantCulture), TablePrinter.YesNo(x.IsDefault), x.Thumbprint,
                    }));
                }
                return 0;
            case "import":
                {
                    var name = c.Arg(2, "certificate name");
                    var file = c.Arg(3, "PEM or PFX file");
                    using var certificate = CertificateFiles.Import(await File.ReadAllBytesAsync(file), c.Flag("password"));
                    if (!certificate.HasPrivateKey)
                    {
                        throw new CliUsageException("the file has no private key");
                    }
                    return await SaveAsync(c, name, certificate);
                }
            case "self-signed":
                {
                    var name = c.Arg(2, "certificate name");
                    var host = c.Arg(3, "host name");
                    using var certificate = c.Has("rsa") ? SelfSignedCertificateFactory.CreateRsa(host) : SelfSignedCertificateFactory.CreateEcdsa(host);
                    return await SaveAsync(c, name, certificate);
                }
            case "default":
                return await MakeDefaultAsync(c, c.Arg(2, "certificate name"));
            default:
                throw new CliUsageException("cert verbs: list, import, self-signed, default, acme");
        }
    }

    private static async Task<int> SaveAsync(CliContext c, string name, X509Certificate2 certificate)
    {
        var makeDefault = c.Has("default");
        // Checked before the file is written, so a refusal leaves nothing behind.
        var refusal = await TlsaRefusalAsync(c, rows => CertificateRows.Upsert(new Shared.Validation.SettingsData { Certificates = rows }, name, "", certificate, makeDefault),
            row => row.Name == name ? X509CertificateLoader.LoadCertificate(certificate.RawData) : CertificateFiles.Load(c.Options.FullDataDir, row.FilePath));
        if (refusal is not null)
        {
            return refusal.Value;
        }
        var path = CertificateFiles.Save(c.Options.FullDataDir, name, certificate);
        await c.Settings.UpdateAsync("cli", $"cert {name}", (d, _) =>
        {
            CertificateRows.Upsert(d, name, path, certificate, makeDefault);
        }, CancellationToken.None);
        c.Output.WriteLine($"certificate {name} ({certificate.Thumbprint}) saved; new TLS handshakes use it");
        return 0;
    }

    private static async Task<int> MakeDefaultAsync(CliContext c, string name)
    {
        void Apply(List<Certificate> rows)
        {
            if (rows.All(x => x.Name != name))
            {
                throw new CliUsageException($"no certificate {name}");
            }
            rows.ForEach(x => x.IsDefault = x.Name == name);
        }
        var refusal = await TlsaRefusalAsync(c, Apply, row => CertificateFiles.Load(c.Options.FullDataDir, row.FilePath));
        if (refusal is not null)
        {
            return refusal.Value;
        }
        await c.Settings.UpdateAsync("cli", $"cert default {name}", (d, _) => Apply(d.Certificates), CancellationToken.None);
        c.Output.WriteLine($"certificate {name} is the default; new TLS handshakes use it");
        return 0;
    }

    /// <summary>1 (and why) when the change would break a live TLSA record and --force is absent; else null.</summary>
    private static async Task<int?> TlsaRefusalAsync(CliContext c, Action<List<Certificate>> change, Func<Certificate, X509Certificate2> load)
    {
        List<Certificate> before;
        string hostname;
        await using (var db = await c.DbAsync())
        {
            before = await db.Certificates.AsNoTracking().OrderBy(x => x.Id).ToListAsync();
            hostname = (await db.ServerSettings.AsNoTracking().SingleAsync()).Hostname;
        }
        var after = TlsaGuard.Copy(before);
        change(after);
        var state = await TlsaGuard.CheckChangeAsync(c.Services.GetRequiredService<IDnsResolver>(), hostname, before, after, load, CancellationToken.None);
        if (state is null)
        {
            return null;
        }
        var message = TlsaGuard.Message(state, HostCertificate.Choose(after, hostname)!.Name);
        if (c.Has("force"))
        {
            await c.Error.WriteLineAsync("mailhost: warning: " + message + " (--force: saved anyway)");
            return null;
        }
        await c.Error.WriteLineAsync("mailhost: " + message + " Nothing saved; add --force to save anyway.");
        return 1;
    }
}
