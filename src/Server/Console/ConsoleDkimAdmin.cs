using MailHost.Admin.Web.Backend;
using MailHost.Server.Dkim;
using MailHost.Server.Dns;
using MailHost.Shared.Validation;

namespace MailHost.Server.AdminConsole;

/// <summary>The console's DKIM page on the engine's DKIM code and DNS resolver.</summary>
public sealed class ConsoleDkimAdmin(IDnsResolver dns) : IDkimAdmin
{
    public DkimKey Create(string domain, string selector, DkimAlgorithm algorithm) => DkimKeyRing.Create(domain, selector, algorithm);

    public bool Add(SettingsData data, DkimKey key, bool activate) => DkimKeyRing.Add(data, key, activate);

    public void Activate(SettingsData data, DkimKey key) => DkimKeyRing.Activate(data, key);

    public DkimTxtRecord TxtRecord(DkimKey key)
    {
        var value = DkimKeyMaterial.TxtRecord(key.Algorithm, key.PrivateKeyPem);
        return new(DkimKeyRing.RecordName(key.Domain, key.Selector), value, DkimKeyRing.ZoneLine(key.Domain, key.Selector, value));
    }

    public async Task<DkimDnsCheck> CheckDnsAsync(DkimKey key, CancellationToken cancellationToken)
    {
        var result = await DkimRecordCheck.CheckAsync(dns, key, cancellationToken);
        var status = result.Status switch
        {
            DkimRecordStatus.Match => DkimDnsStatus.Match,
            DkimRecordStatus.Mismatch => DkimDnsStatus.Mismatch,
            DkimRecordStatus.NotFound => DkimDnsStatus.NotFound,
            _ => DkimDnsStatus.DnsError,
        };
        return new(status, result.Detail);
    }
}
