using MailHost.Admin.Web.Backend;
using MailHost.Server.Dns;
using MailHost.Server.Hosting;
using MailHost.Server.Settings;
using MailHost.Server.Tls;
using Microsoft.Extensions.Options;

namespace MailHost.Server.AdminConsole;

/// <summary>The console's side of <see cref="TlsaGuard"/>: the certificate files are the ones the console saved.</summary>
public sealed class ConsoleCertificateChangeCheck(IDnsResolver dns, SettingsSnapshotProvider settings, IOptions<MailHostOptions> options) : ICertificateChangeCheck
{
    public async Task<string?> TlsaWarningAsync(IReadOnlyList<Certificate> before, IReadOnlyList<Certificate> after, CancellationToken cancellationToken)
    {
        var hostname = settings.Current.Server.Hostname;
        var state = await TlsaGuard.CheckChangeAsync(dns, hostname, before, after, row => CertificateFiles.Load(options.Value.FullDataDir, row.FilePath), cancellationToken);
        return state is null ? null : TlsaGuard.Message(state, HostCertificate.Choose(after, hostname)!.Name);
    }
}
