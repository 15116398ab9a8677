using System.Security.Cryptography.X509Certificates;
using MailHost.Shared.Validation;

namespace MailHost.Server.Tls;

/// <summary>
/// The Certificate row for a PFX saved under certs/: one way to write it, so the CLI, imports and
/// ACME all describe a certificate (thumbprint, names, key, expiry, default) the same way.
/// </summary>
public static class CertificateRows
{
    public static void Upsert(SettingsData draft, string name, string path, X509Certificate2 certificate, bool makeDefault)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(certificate);
        var entity = draft.Certificates.FirstOrDefault(x => x.Name == name);
        if (entity is null)
        {
            entity = new Certificate { Name = name };
            draft.Certificates.Add(entity);
        }
        entity.FilePath = path;
        entity.Thumbprint = certificate.Thumbprint;
        entity.HostNames = string.Join(",", CertificateFiles.HostNames(certificate));
        entity.KeyAlgorithm = CertificateFiles.KeyAlgorithm(certificate);
        entity.NotAfterUtc = certificate.NotAfter.ToUniversalTime();
        if (makeDefault)
        {
            draft.Certificates.ForEach(x => x.IsDefault = false);
            entity.IsDefault = true;
        }
    }
}
