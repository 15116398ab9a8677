using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Server.Tls;
using Microsoft.Extensions.Options;

namespace MailHost.Server.Acme;

/// <summary>
/// Puts an issued certificate where every listener and the console find it: a PFX (with the chain)
/// under certs/ and the Certificate row of that name, through the settings service, so the snapshot
/// changes and the next handshake uses it while open sessions keep theirs.
/// </summary>
public sealed class AcmeInstaller(SettingsService settings, IOptions<MailHostOptions> options)
{
    public async Task InstallAsync(string name, AcmeIssued issued, bool makeDefault, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var certificate = issued.Certificate;
        var path = CertificateFiles.Save(options.Value.FullDataDir, name, certificate, issued.Chain);
        await settings.UpdateAsync("acme", $"acme install {name}", (d, _) =>
        {
            CertificateRows.Upsert(d, name, path, certificate, makeDefault);
        }, cancellationToken);
    }
}
