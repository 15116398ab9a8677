using System.Security.Cryptography.X509Certificates;
using MailHost.Server.Tls;
using Microsoft.EntityFrameworkCore;

namespace MailHost.Server.Cli;

/// <summary>`mailhost cert list|import|self-signed|acme`.</summary>
internal static class CertCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (list|import|self-signed|acme)"))
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
            default:
                throw new CliUsageException("cert verbs: list, import, self-signed, acme");
        }
    }

    private static async Task<int> SaveAsync(CliContext c, string name, X509Certificate2 certificate)
    {
        var path = CertificateFiles.Save(c.Options.FullDataDir, name, certificate);
        var makeDefault = c.Has("default");
        await c.Settings.UpdateAsync("cli", $"cert {name}", (d, _) =>
        {
            CertificateRows.Upsert(d, name, path, certificate, makeDefault);
        }, CancellationToken.None);
        c.Output.WriteLine($"certificate {name} ({certificate.Thumbprint}) saved; new TLS handshakes use it");
        return 0;
    }
}
