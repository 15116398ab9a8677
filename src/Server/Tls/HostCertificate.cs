using System.Collections.Immutable;

namespace MailHost.Server.Tls;

/// <summary>
/// Which certificate row a client asking for our host name gets, with the same choice as the handshake
/// (<see cref="CertificateStore.Choose"/>): what a TLSA record for `_25._tcp.&lt;host&gt;` must match.
/// </summary>
public static class HostCertificate
{
    public static Certificate? Choose(IEnumerable<Certificate> rows, string hostname)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToList();
        var specs = list.Select(c => new CertificateSpec(c.Id, c.Name, c.FilePath,
            [.. c.HostNames.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(h => h.ToLowerInvariant())],
            c.Thumbprint, c.NotAfterUtc, c.IsDefault)).ToImmutableArray();
        var chosen = CertificateStore.Choose(specs, hostname);
        return chosen is null ? null : list[specs.IndexOf(chosen)];
    }
}
